import Foundation

/// Whether GPUs are passed to the test container.
public enum GPUChoice: String, Sendable, CaseIterable {
    /// Passed when the engine has an NVIDIA runtime.
    case auto
    /// Always passed (`--gpus all`).
    case all
    /// Never passed.
    case none
}

/// What `ledger test` was asked to do.
public struct TestRunOptions: Sendable {
    /// The image reference (`fsdp:abc`) or ID.
    public var image: String
    /// The project; defaults to the image's repository name.
    public var project: String?
    /// quick, standard or full.
    public var level: TestLevel = .standard
    /// Structure test specs, already validated.
    public var specs: [StructureSpec] = []
    /// GPUs.
    public var gpus: GPUChoice = .auto
    /// Extra attempts for a failed probe.
    public var retries: Int = 0
    /// Seconds each probe may run.
    public var timeout: Double = 120
    /// `--network` for the container.
    public var network: String = "none"
    /// Folders put first on the container's Python path.
    public var pythonPath: [String] = []
    /// Project modules to import.
    public var imports: [String] = []
    /// Extra Python probes (hidden test hook).
    public var probeExtra: String?

    /// Options for `image` with the defaults.
    public init(image: String) {
        self.image = image
    }

    /// The project name from an image reference: `fsdp:abc` -> `fsdp`, `reg:5000/team/fsdp@sha256:…` -> `fsdp`.
    public static func project(fromImage image: String) -> String {
        var reference = image
        if let at = reference.firstIndex(of: "@") { reference = String(reference[..<at]) }
        var last = reference.split(separator: "/").last.map(String.init) ?? reference
        if let colon = last.firstIndex(of: ":") { last = String(last[..<colon]) }
        if last.hasPrefix("sha256") || last.isEmpty { return "image" }
        return last
    }
}

/// Input the tester cannot use (exit 2).
public enum TesterError: Error, Sendable, CustomStringConvertible {
    /// No such local image.
    case imageNotFound(String)

    /// The one-line message the CLI shows.
    public var description: String {
        switch self {
        case .imageNotFound(let image):
            return "no image `\(image)` on this engine: build it first (ledger build) or check `docker images`"
        }
    }
}
