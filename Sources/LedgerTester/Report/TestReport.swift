import Foundation

/// The outcome of one test case (a probe or a structure test) over all its attempts.
public struct TestCaseResult: Codable, Sendable, Equatable {
    /// Stable dotted name.
    public var name: String
    /// `passed|failed|error|skipped`: the last attempt's status.
    public var status: String
    /// Seconds over all attempts.
    public var durationS: Double
    /// The last attempt's message.
    public var message: String
    /// How many attempts ran (more than 1 when `--retries` reran it; a pass on retry shows here).
    public var attempts: Int
    /// The facts the last attempt reported (not part of the JSON report; recommendations read them).
    public var details: JSONValue = .object([:])

    enum CodingKeys: String, CodingKey {
        case name, status, message, attempts
        case durationS = "duration_s"
    }

    /// Memberwise initializer.
    public init(
        name: String, status: String, durationS: Double, message: String, attempts: Int,
        details: JSONValue = .object([:])
    ) {
        self.name = name
        self.status = status
        self.durationS = durationS
        self.message = message
        self.attempts = attempts
        self.details = details
    }
}

/// Advice derived from a failure.
public struct Recommendation: Codable, Sendable, Equatable {
    /// `critical|high|medium|low`.
    public var severity: String
    /// What is wrong.
    public var issue: String
    /// What to do.
    public var recommendation: String
    /// A snippet to copy.
    public var codeExample: String
    /// Where to read more.
    public var documentationLink: String
    /// The test case it comes from (an addition to the contract).
    public var test: String

    enum CodingKeys: String, CodingKey {
        case severity, issue, recommendation, test
        case codeExample = "code_example"
        case documentationLink = "documentation_link"
    }
}

/// The result of `ledger test`, printed with `--format json` and written by `--output DIR`.
public struct TestReport: Codable, Sendable, Equatable {
    /// The image reference tested.
    public var image: String
    /// Its image ID (`sha256:…`) from `docker image inspect`.
    public var imageId: String
    /// `quick|standard|full`.
    public var level: String
    /// The run (stream `test-<run_id>`).
    public var runId: String
    /// The project (image repository unless `--project`).
    public var project: String
    /// `passed|failed|interrupted` (an addition to the contract).
    public var status: String
    /// Tests that passed.
    public var passed: Int
    /// Failed plus error.
    public var failed: Int
    /// Tests skipped with a reason.
    public var skipped: Int
    /// Seconds the whole run took.
    public var durationS: Double
    /// When the run started, RFC 3339 UTC (an addition to the contract).
    public var startedAt: String
    /// Every probe and structure test, in the level's order.
    public var tests: [TestCaseResult]
    /// Advice derived from the failures.
    public var recommendations: [Recommendation]

    enum CodingKeys: String, CodingKey {
        case image, level, project, status, passed, failed, skipped, tests, recommendations
        case imageId = "image_id"
        case runId = "run_id"
        case durationS = "duration_s"
        case startedAt = "started_at"
    }

    /// Counts `tests` into passed / failed (failed + error) / skipped.
    static func counts(_ tests: [TestCaseResult]) -> (passed: Int, failed: Int, skipped: Int) {
        (
            tests.filter { $0.status == "passed" }.count,
            tests.filter { $0.status == "failed" || $0.status == "error" }.count,
            tests.filter { $0.status == "skipped" }.count
        )
    }

    /// The report as pretty, sorted JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes `test-report-<UTC timestamp>.json` into `directory` (created if needed) with mode 0600.
    public func write(toDirectory directory: String, now: Date = Date()) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let path = (directory as NSString).appendingPathComponent("test-report-\(formatter.string(from: now)).json")
        try Self.writePrivate(try json(), to: path)
        return path
    }

    /// Writes bytes to a new file readable only by its owner (0600).
    static func writePrivate(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        fchmod(fd, 0o600)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
    }
}
