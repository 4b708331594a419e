import Foundation

/// The event types `ledger` writes, as past-tense facts; each payload names its `project`.
///
/// A payload is encoded with snake_case keys into the event's `data` column. Readers decode
/// with ``DomainEvent/decode(_:from:)``; types a reader does not know are skipped, never rewritten.
public protocol DomainEvent: Codable, Sendable {
    /// The stored `type` column.
    static var eventType: String { get }
    /// The version of this payload's shape; older versions are read through an upcaster.
    static var schemaVersion: Int { get }
    /// The image repository the event belongs to (e.g. `fsdp`).
    var project: String { get }
}

extension DomainEvent {
    public static var schemaVersion: Int { 1 }
}

/// JSON coding shared by every event payload: snake_case keys, RFC 3339 dates, sorted keys.
public enum EventCoding {
    /// An encoder for event payloads and metadata.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder matching ``encoder()``.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an RFC 3339 timestamp: \(text)")
            }
            return date
        }
        return decoder
    }
}

// MARK: - Shared values

/// Facts about the machine a build or test ran on.
public struct HostFacts: Codable, Sendable, Equatable {
    /// Host name.
    public var hostname: String
    /// Instance type (e.g. `c5.2xlarge`), or `unknown`.
    public var instanceType: String
    /// Where the instance type came from: `flag`, `env`, `dmi`, `codebuild`, `unknown`.
    public var instanceTypeSource: String
    /// CPU model name from `/proc/cpuinfo`.
    public var cpuModel: String
    /// Online CPUs.
    public var cpuCount: Int
    /// Physical memory in bytes.
    public var memoryBytes: Int64
    /// Container engine server version, e.g. `20.10.24`.
    public var engineVersion: String?
    /// BuildKit (buildx) version when present.
    public var buildkitVersion: String?
    /// CodeBuild facts (build id, image, region) when running there.
    public var codebuild: [String: String]?

    /// Memberwise initializer.
    public init(
        hostname: String, instanceType: String, instanceTypeSource: String, cpuModel: String, cpuCount: Int,
        memoryBytes: Int64, engineVersion: String? = nil, buildkitVersion: String? = nil,
        codebuild: [String: String]? = nil
    ) {
        self.hostname = hostname
        self.instanceType = instanceType
        self.instanceTypeSource = instanceTypeSource
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.memoryBytes = memoryBytes
        self.engineVersion = engineVersion
        self.buildkitVersion = buildkitVersion
        self.codebuild = codebuild
    }
}

/// One finding of the analyzer as it is stored.
public struct StoredFinding: Codable, Sendable, Equatable {
    public var rule: String
    public var severity: String
    public var message: String
    public var file: String
    public var line: Int?
    public var fix: StoredFix?

    public init(rule: String, severity: String, message: String, file: String, line: Int?, fix: StoredFix? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix
    }
}

/// A proposed or applied fix: which rule, what kind, and the text before and after.
public struct StoredFix: Codable, Sendable, Equatable {
    public var rule: String
    /// `pin|add|remove|base_image|quote|reorder`.
    public var kind: String
    public var file: String
    public var line: Int?
    public var before: String
    public var after: String
    /// A unified diff of the change.
    public var diff: String

    public init(rule: String, kind: String, file: String, line: Int?, before: String, after: String, diff: String) {
        self.rule = rule
        self.kind = kind
        self.file = file
        self.line = line
        self.before = before
        self.after = after
        self.diff = diff
    }
}

// MARK: - Analysis

/// `ledger analyze` (or the analysis a build starts with) finished.
public struct AnalysisCompleted: DomainEvent, Equatable {
    public static let eventType = "AnalysisCompleted"
    public var project: String
    public var analysisId: String
    public var context: String
    public var dockerfile: String
    public var findings: [StoredFinding]
    /// Set when the analysis belongs to a build.
    public var buildId: String?

    public init(
        project: String, analysisId: String, context: String, dockerfile: String, findings: [StoredFinding],
        buildId: String? = nil
    ) {
        self.project = project
        self.analysisId = analysisId
        self.context = context
        self.dockerfile = dockerfile
        self.findings = findings
        self.buildId = buildId
    }
}

// MARK: - Builds (stream `build-<build_id>`)

/// A build was asked for.
public struct BuildStarted: DomainEvent, Equatable {
    public static let eventType = "BuildStarted"
    public var project: String
    public var buildId: String
    /// The image reference the build tags (`fsdp:v1`).
    public var image: String
    public var context: String
    public var dockerfile: String
    /// The Dockerfile text as given (secrets redacted), for `ledger diff`.
    public var dockerfileText: String
    /// The first stage's base image as written, ARGs resolved.
    public var baseImage: String?
    /// Build args given (values of secret args are never stored; their names are in `secret_build_args`).
    public var buildArgs: [String: String]
    public var secretBuildArgs: [String]
    /// Requirement pins found in the context (`torch` -> `2.5.1`).
    public var pins: [String: String]
    public var maxAttempts: Int
    public var autoFix: Bool
    public var network: String?
    public var host: HostFacts

    public init(
        project: String, buildId: String, image: String, context: String, dockerfile: String,
        dockerfileText: String, baseImage: String?, buildArgs: [String: String], secretBuildArgs: [String],
        pins: [String: String], maxAttempts: Int, autoFix: Bool, network: String?, host: HostFacts
    ) {
        self.project = project
        self.buildId = buildId
        self.image = image
        self.context = context
        self.dockerfile = dockerfile
        self.dockerfileText = dockerfileText
        self.baseImage = baseImage
        self.buildArgs = buildArgs
        self.secretBuildArgs = secretBuildArgs
        self.pins = pins
        self.maxAttempts = maxAttempts
        self.autoFix = autoFix
        self.network = network
        self.host = host
    }
}

/// A fix was applied to the build's copy of the context before an attempt.
public struct FixApplied: DomainEvent, Equatable {
    public static let eventType = "FixApplied"
    public var project: String
    public var buildId: String
    /// The attempt the fix was applied before.
    public var attempt: Int
    /// `analysis` (found before building) or `log` (learned from a failed attempt's log) or `override`.
    public var source: String
    public var fix: StoredFix

    public init(project: String, buildId: String, attempt: Int, source: String, fix: StoredFix) {
        self.project = project
        self.buildId = buildId
        self.attempt = attempt
        self.source = source
        self.fix = fix
    }
}

/// An attempt began; its log is stored under `log_id` as it streams.
public struct BuildAttemptStarted: DomainEvent, Equatable {
    public static let eventType = "BuildAttemptStarted"
    public var project: String
    public var buildId: String
    public var number: Int
    public var logId: String

    public init(project: String, buildId: String, number: Int, logId: String) {
        self.project = project
        self.buildId = buildId
        self.number = number
        self.logId = logId
    }
}

/// A Dockerfile step finished within an attempt.
public struct BuildStepFinished: DomainEvent, Equatable {
    public static let eventType = "BuildStepFinished"
    public var project: String
    public var buildId: String
    public var attempt: Int
    /// 1-based step index.
    public var index: Int
    public var total: Int?
    public var instruction: String
    public var durationS: Double
    public var cached: Bool

    public init(
        project: String, buildId: String, attempt: Int, index: Int, total: Int?, instruction: String,
        durationS: Double, cached: Bool
    ) {
        self.project = project
        self.buildId = buildId
        self.attempt = attempt
        self.index = index
        self.total = total
        self.instruction = instruction
        self.durationS = durationS
        self.cached = cached
    }
}

/// An attempt ended.
public struct BuildAttemptFinished: DomainEvent, Equatable {
    public static let eventType = "BuildAttemptFinished"
    public var project: String
    public var buildId: String
    public var number: Int
    public var success: Bool
    /// `success|failed|interrupted`.
    public var status: String
    public var durationS: Double
    public var logId: String
    /// A failure class from DESIGN's vocabulary.
    public var failureClass: String?
    /// The log lines that decided the class.
    public var failureMessage: String?
    /// `cold` (no step came from cache) or `warm`.
    public var cache: String
    public var imageId: String?
    public var stepCount: Int
    public var cachedSteps: Int

    public init(
        project: String, buildId: String, number: Int, success: Bool, status: String, durationS: Double,
        logId: String, failureClass: String?, failureMessage: String?, cache: String, imageId: String?,
        stepCount: Int, cachedSteps: Int
    ) {
        self.project = project
        self.buildId = buildId
        self.number = number
        self.success = success
        self.status = status
        self.durationS = durationS
        self.logId = logId
        self.failureClass = failureClass
        self.failureMessage = failureMessage
        self.cache = cache
        self.imageId = imageId
        self.stepCount = stepCount
        self.cachedSteps = cachedSteps
    }
}

/// The build ended (after its last attempt).
public struct BuildFinished: DomainEvent, Equatable {
    public static let eventType = "BuildFinished"
    public var project: String
    public var buildId: String
    public var success: Bool
    /// `success|failed|interrupted`.
    public var status: String
    public var image: String
    public var imageId: String?
    public var durationS: Double
    public var attempts: Int

    public init(
        project: String, buildId: String, success: Bool, status: String, image: String, imageId: String?,
        durationS: Double, attempts: Int
    ) {
        self.project = project
        self.buildId = buildId
        self.success = success
        self.status = status
        self.image = image
        self.imageId = imageId
        self.durationS = durationS
        self.attempts = attempts
    }
}

// MARK: - Test runs (stream `test-<run_id>`)

/// A test run began.
public struct TestRunStarted: DomainEvent, Equatable {
    public static let eventType = "TestRunStarted"
    public var project: String
    public var runId: String
    public var image: String
    public var imageId: String
    public var level: String
    public var host: HostFacts

    public init(project: String, runId: String, image: String, imageId: String, level: String, host: HostFacts) {
        self.project = project
        self.runId = runId
        self.image = image
        self.imageId = imageId
        self.level = level
        self.host = host
    }
}

/// One attempt of one test case (a probe or a structure test) ended.
public struct TestCaseFinished: DomainEvent, Equatable {
    public static let eventType = "TestCaseFinished"
    public var project: String
    public var runId: String
    public var imageId: String
    /// Stable dotted name, e.g. `imports.torch`, `structure.command.python-version`.
    public var name: String
    /// `passed|failed|error|skipped`.
    public var status: String
    public var durationS: Double
    public var message: String
    /// 1-based attempt number of this case (retries add attempts).
    public var attempt: Int

    public init(
        project: String, runId: String, imageId: String, name: String, status: String, durationS: Double,
        message: String, attempt: Int
    ) {
        self.project = project
        self.runId = runId
        self.imageId = imageId
        self.name = name
        self.status = status
        self.durationS = durationS
        self.message = message
        self.attempt = attempt
    }
}

/// A test run ended.
public struct TestRunFinished: DomainEvent, Equatable {
    public static let eventType = "TestRunFinished"
    public var project: String
    public var runId: String
    public var image: String
    public var imageId: String
    /// `passed|failed|interrupted`.
    public var status: String
    public var passed: Int
    public var failed: Int
    public var skipped: Int
    public var durationS: Double

    public init(
        project: String, runId: String, image: String, imageId: String, status: String, passed: Int, failed: Int,
        skipped: Int, durationS: Double
    ) {
        self.project = project
        self.runId = runId
        self.image = image
        self.imageId = imageId
        self.status = status
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.durationS = durationS
    }
}
