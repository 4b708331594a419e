import Foundation
import GRDB
import LedgerQueries
import LedgerStore

/// A temporary journal with the query projections and helpers that write hand-made events.
final class Journal {
    let dir: URL
    let store: EventStore
    var path: String { store.path }
    var clock = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-queries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try EventStore(path: dir.appendingPathComponent("ledger.db").path, projections: Projections.all)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    /// Appends one event at the journal's clock (advanced by `after` seconds first), with `metadata` if given.
    func add<T: DomainEvent>(_ event: T, stream: String, after: TimeInterval = 60, metadata: String? = nil) throws {
        clock.addTimeInterval(after)
        var new = try NewEvent(event, stream: stream, occurredAt: clock)
        new.metadata = metadata
        try store.append([new])
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try store.read(body) }

    static func host(_ type: String, engine: String = "24.0.7") -> HostFacts {
        HostFacts(
            hostname: "h", instanceType: type, instanceTypeSource: "flag", cpuModel: "x", cpuCount: 4,
            memoryBytes: 1 << 30, engineVersion: engine)
    }

    /// A complete build: started, one attempt per entry of `attempts` (success, seconds), finished.
    @discardableResult
    func build(
        _ project: String, type: String = "c5.2xlarge", cache: String = "cold",
        attempts: [(Bool, Double)] = [(true, 100)],
        fixBefore: [Int] = [], dockerfile: String = "FROM python:3.11-slim\n", finish: Bool = true,
        metadata: String? = nil, id: String = UUID().uuidString.lowercased()
    ) throws -> String {
        let stream = "build-\(id)"
        try add(
            BuildStarted(
                project: project, buildId: id, image: "\(project):\(id.prefix(4))", context: "/c",
                dockerfile: "Dockerfile",
                dockerfileText: dockerfile, baseImage: "python:3.11-slim", buildArgs: ["A": "1"], secretBuildArgs: [],
                pins: ["torch": "2.5.1"], maxAttempts: 3, autoFix: true, network: nil, host: Self.host(type)),
            stream: stream, metadata: metadata)
        var total = 0.0
        var imageId: String?
        for (index, attempt) in attempts.enumerated() {
            let number = index + 1
            if fixBefore.contains(number) {
                let fix = StoredFix(
                    rule: "numpy2-abi", kind: "pin", file: "requirements.txt", line: 3, before: "numpy",
                    after: "numpy==1.26.4", diff: "")
                try add(
                    FixApplied(project: project, buildId: id, attempt: number, source: "log", fix: fix), stream: stream,
                    metadata: metadata)
            }
            try add(
                BuildAttemptStarted(project: project, buildId: id, number: number, logId: "log-\(id)-\(number)"),
                stream: stream, metadata: metadata)
            try add(
                BuildStepFinished(
                    project: project, buildId: id, attempt: number, index: 1, total: 2, instruction: "FROM x",
                    durationS: attempt.1 / 2, cached: cache == "warm"), stream: stream, metadata: metadata)
            try add(
                BuildStepFinished(
                    project: project, buildId: id, attempt: number, index: 2, total: 2, instruction: "RUN pip",
                    durationS: attempt.1 / 2, cached: false), stream: stream, metadata: metadata)
            if !finish && number == attempts.count { return id }
            total += attempt.1
            imageId = attempt.0 ? "sha256:\(id)" : nil
            try add(
                BuildAttemptFinished(
                    project: project, buildId: id, number: number, success: attempt.0,
                    status: attempt.0 ? "success" : "failed", durationS: attempt.1, logId: "log-\(id)-\(number)",
                    failureClass: attempt.0 ? nil : "network", failureMessage: nil, cache: cache, imageId: imageId,
                    stepCount: 2, cachedSteps: cache == "warm" ? 1 : 0), stream: stream, metadata: metadata)
        }
        try add(
            BuildFinished(
                project: project, buildId: id, success: imageId != nil, status: imageId != nil ? "success" : "failed",
                image: "\(project):\(id.prefix(4))", imageId: imageId, durationS: total, attempts: attempts.count),
            stream: stream, metadata: metadata)
        return id
    }

    /// A test run of `image` whose cases have the given attempt statuses (`["passed"]`, `["failed", "passed"]`).
    @discardableResult
    func testRun(
        _ project: String, image: String, cases: [(String, [String])], finish: Bool = true, metadata: String? = nil
    ) throws -> String {
        let id = UUID().uuidString.lowercased()
        let stream = "test-\(id)"
        try add(
            TestRunStarted(
                project: project, runId: id, image: "\(project):\(image)", imageId: image, level: "quick",
                host: Self.host("g5.2xlarge")), stream: stream, metadata: metadata)
        var passed = 0
        var failed = 0
        for (name, statuses) in cases {
            for (index, status) in statuses.enumerated() {
                try add(
                    TestCaseFinished(
                        project: project, runId: id, imageId: image, name: name, status: status, durationS: 1,
                        message: "", attempt: index + 1), stream: stream, after: 1, metadata: metadata)
            }
            if statuses.last == "passed" { passed += 1 } else { failed += 1 }
        }
        guard finish else { return id }
        try add(
            TestRunFinished(
                project: project, runId: id, image: "\(project):\(image)", imageId: image,
                status: failed == 0 ? "passed" : "failed", passed: passed, failed: failed, skipped: 0, durationS: 9),
            stream: stream, metadata: metadata)
        return id
    }

    /// Metadata of a process that has exited (same host and boot), so its unfinished streams read interrupted.
    static func deadWriterMetadata() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        var metadata = EventMetadata.current()
        metadata.pid = process.processIdentifier
        return String(decoding: try EventCoding.encoder().encode(metadata), as: UTF8.self)
    }

    /// Every row of every projection table, as text, in a stable order.
    func dumpProjections() throws -> [String: [String]] {
        try read { db in
            var result: [String: [String]] = [:]
            for table in Projections.tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
                result[table] = rows.map { $0.description }.sorted()
            }
            return result
        }
    }
}
