import Foundation

/// The Python program that runs inside the container under test.
///
/// It runs the level's probes one by one, each in a forked child (its own session) with a timeout, so a
/// probe that hangs or crashes the interpreter is reported `error` and the others still report. It prints
/// one JSON line per probe attempt (``ProbeLine``) and retries failed probes in place (`retries`).
/// Structure tests run in the same container after the probes; ledger judges their raw results.
public enum ProbeProgram {
    /// The whole program text.
    public static var source: String { core + "\n" + probes }
}

/// What the probe program is told to do, passed base64-encoded JSON as its first argument.
public struct ProbeConfig: Codable, Sendable, Equatable {
    /// `quick|standard|full`.
    public var level: String
    /// Seconds each probe may run.
    public var timeout: Double
    /// Extra attempts for a failed probe.
    public var retries: Int
    /// Whether GPUs were passed to the container.
    public var gpus: Bool
    /// Folders put first on `sys.path` (`--python-path`).
    public var pythonPath: [String]
    /// Project modules to import (`--import`).
    public var imports: [String]
    /// Structure tests to execute (ledger judges their results).
    public var structure: [StructureExecution]
    /// Extra Python defining more probes (a hidden hook for tests: `@probe("test.hang")`).
    public var extra: String?

    enum CodingKeys: String, CodingKey {
        case level, timeout, retries, gpus, imports, structure, extra
        case pythonPath = "python_path"
    }

    /// The first argument of `python3 - CONFIG`.
    public func argument() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self).base64EncodedString()
    }
}

/// One structure test as the probe program executes it.
public struct StructureExecution: Codable, Sendable, Equatable {
    /// The test case's dotted name, which its result line carries.
    public var id: String
    /// `command|file_existence|file_content`.
    public var kind: String
    /// For a command: the executable.
    public var command: String?
    /// For a command: its arguments.
    public var args: [String]?
    /// For a command: extra environment.
    public var env: [String: String]?
    /// For a file test: the path.
    public var path: String?
}
