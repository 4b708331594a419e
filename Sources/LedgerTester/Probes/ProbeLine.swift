import Foundation

/// One JSON line the probe program prints: one attempt of one probe or structure test.
public struct ProbeLine: Codable, Sendable, Equatable {
    /// Stable dotted name (`imports.torch`, `structure.command.python-version`).
    public var name: String
    /// `passed|failed|error|skipped`.
    public var status: String
    /// Seconds the attempt took inside the container.
    public var durationS: Double
    /// One-line outcome.
    public var message: String
    /// Free-form facts (versions, outputs, tracebacks).
    public var details: JSONValue
    /// 1-based attempt number.
    public var attempt: Int

    enum CodingKeys: String, CodingKey {
        case name, status, message, details, attempt
        case durationS = "duration_s"
    }

    /// Memberwise initializer.
    public init(
        name: String, status: String, durationS: Double, message: String, details: JSONValue = .object([:]),
        attempt: Int = 1
    ) {
        self.name = name
        self.status = status
        self.durationS = durationS
        self.message = message
        self.details = details
        self.attempt = attempt
    }

    /// Reads a line; nil when it is not a probe line (the image's own noise on stdout).
    public static func parse(_ text: String) -> ProbeLine? {
        guard text.hasPrefix("{\"name\"") else { return nil }
        return try? JSONDecoder().decode(ProbeLine.self, from: Data(text.utf8))
    }
}

/// The test levels: each includes the ones before it.
public enum TestLevel: String, Sendable, CaseIterable, Codable {
    case quick, standard, full

    /// The probes this level runs, in the order the probe program runs them.
    public var probes: [String] {
        let quick = [
            "python.interpreter", "imports.torch", "imports.transformers", "imports.datasets", "imports.numpy",
        ]
        let standard = [
            "environment.versions", "environment.verdict", "imports.torchvision", "imports.torchaudio", "pip.check",
            "cuda.available", "gpu.devices", "gpu.memory",
            "distributed.gloo", "nccl.version", "distributed.nccl", "project.imports", "model.config",
            "model.instantiate",
        ]
        let full = ["model.forward", "fsdp.wrap", "checkpoint.roundtrip"]
        switch self {
        case .quick: return quick
        case .standard: return quick + standard
        case .full: return quick + standard + full
        }
    }
}
