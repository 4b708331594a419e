import Foundation
import LedgerEngine
import LedgerStore

/// What `ledger build` was asked to do.
public struct BuildOptions: Sendable {
    /// The context folder (the user's; it is copied before anything changes).
    public var context: String
    /// The Dockerfile, relative to the context.
    public var dockerfile = "Dockerfile"
    /// The project; nil derives it from the context folder's name.
    public var project: String?
    /// `auto`, a tag, or a whole reference (holding `:`).
    public var tag = "auto"
    /// Apply fixes at all (analysis fixes before attempt 1 and fixes learned from failed logs).
    public var autoFix = true
    /// With ``autoFix``: also apply the analyzer's fixes before the first attempt (false: only learn from logs).
    public var analysisFixes = true
    /// The most attempts.
    public var maxAttempts = 3
    /// Replace the first stage's base image (recorded as a fix of its own).
    public var baseImage: String?
    /// `--instance-type`.
    public var instanceType: String?
    /// `--network` for `RUN` steps.
    public var network: String?
    /// `NAME=VALUE` build args.
    public var buildArgs: [String] = []
    /// `NAME=VALUE` secret build args: values are redacted and never stored.
    public var secretBuildArgs: [String] = []
    /// Also apply the fixes to the user's files when the build succeeds.
    public var writeFixes = false
    /// The engine.
    public var docker: DockerCLI
    /// The engine's server version, when the caller already checked it.
    public var engineVersion: String?
    /// The buildx version (nil: legacy builder).
    public var buildkitVersion: String?
    /// Where host facts come from.
    public var hostProbe = HostProbe()

    /// Options with defaults for `context`.
    public init(context: String, docker: DockerCLI) {
        self.context = context
        self.docker = docker
    }
}

/// Callbacks for a watching terminal (the CLI writes them to stderr).
public struct BuildObserver: Sendable {
    /// The engine's live output, redacted (called on the output reader's thread; the bytes are valid during
    /// the call only).
    public var output: (@Sendable (UnsafeRawBufferPointer) -> Void)?
    /// Progress notes and warnings (`warning: ` prefixed for warnings).
    public var note: (@Sendable (String) -> Void)?

    /// An observer.
    public init(output: (@Sendable (UnsafeRawBufferPointer) -> Void)? = nil, note: (@Sendable (String) -> Void)? = nil)
    {
        self.output = output
        self.note = note
    }
}

/// One attempt in the summary.
public struct AttemptSummary: Codable, Sendable, Equatable {
    public var number: Int
    public var success: Bool
    public var durationS: Double
    public var logId: String
    public var failureClass: String?
    /// Not in the JSON contract: the attempt's cache state and step counts for callers and tests.
    public var cache: String = "cold"
    public var steps: Int = 0
    public var cachedSteps: Int = 0

    enum CodingKeys: String, CodingKey {
        case number, success
        case durationS = "duration_s"
        case logId = "log_id"
        case failureClass = "failure_class"
    }
}

/// The result of `ledger build` (the JSON contract).
public struct BuildSummary: Codable, Sendable {
    public var success: Bool
    public var image: String
    public var imageId: String?
    public var buildId: String
    public var project: String
    public var durationS: Double
    public var attempts: [AttemptSummary]
    public var fixes: [StoredFix]
    /// `success|failed|interrupted` (not in the JSON; the CLI's exit code follows it).
    public var status: String

    enum CodingKeys: String, CodingKey {
        case success, image, project, attempts, fixes
        case imageId = "image_id"
        case buildId = "build_id"
        case durationS = "duration_s"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(success, forKey: .success)
        try container.encode(image, forKey: .image)
        try container.encode(imageId, forKey: .imageId)
        try container.encode(buildId, forKey: .buildId)
        try container.encode(project, forKey: .project)
        try container.encode(durationS, forKey: .durationS)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(fixes, forKey: .fixes)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        success = try container.decode(Bool.self, forKey: .success)
        image = try container.decode(String.self, forKey: .image)
        imageId = try container.decodeIfPresent(String.self, forKey: .imageId)
        buildId = try container.decode(String.self, forKey: .buildId)
        project = try container.decode(String.self, forKey: .project)
        durationS = try container.decode(Double.self, forKey: .durationS)
        attempts = try container.decode([AttemptSummary].self, forKey: .attempts)
        fixes = try container.decode([StoredFix].self, forKey: .fixes)
        status = success ? "success" : "failed"
    }

    init(
        success: Bool, image: String, imageId: String?, buildId: String, project: String, durationS: Double,
        attempts: [AttemptSummary], fixes: [StoredFix], status: String
    ) {
        self.success = success
        self.image = image
        self.imageId = imageId
        self.buildId = buildId
        self.project = project
        self.durationS = durationS
        self.attempts = attempts
        self.fixes = fixes
        self.status = status
    }
}
