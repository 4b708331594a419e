import Foundation

/// A container-structure-test spec file (`--spec F.yaml`): the tests ledger runs beside its probes.
public struct StructureSpec: Sendable, Equatable {
    /// The file it was read from.
    public var file: String
    /// `commandTests`.
    public var commandTests: [CommandTest] = []
    /// `fileExistenceTests`.
    public var fileExistenceTests: [FileExistenceTest] = []
    /// `fileContentTests`.
    public var fileContentTests: [FileContentTest] = []
    /// `metadataTest`.
    public var metadataTest: MetadataTest?

    /// Creates an empty spec for `file`.
    public init(file: String) {
        self.file = file
    }

    /// Runs a command in the container and checks its output and exit code.
    public struct CommandTest: Sendable, Equatable {
        /// The test's name (its dotted name is derived from it).
        public var name: String
        /// The spec line the test starts on.
        public var line: Int
        /// The executable to run.
        public var command: String
        /// Its arguments.
        public var args: [String] = []
        /// Extra environment for the command.
        public var envVars: [String: String] = [:]
        /// Regular expressions stdout must match.
        public var expectedOutput: [String] = []
        /// Regular expressions stdout must not match.
        public var excludedOutput: [String] = []
        /// Regular expressions stderr must match.
        public var expectedError: [String] = []
        /// Regular expressions stderr must not match.
        public var excludedError: [String] = []
        /// The expected exit code (0 when not given).
        public var exitCode: Int?
    }

    /// Checks that a path exists (or not), its permissions and owner.
    public struct FileExistenceTest: Sendable, Equatable {
        /// The test's name (its dotted name is derived from it).
        public var name: String
        /// The spec line the test starts on.
        public var line: Int
        /// The path in the image.
        public var path: String
        /// Whether the path must exist (true) or must not (false).
        public var shouldExist: Bool = true
        /// Expected mode string, e.g. `-rwxr-xr-x`.
        public var permissions: String?
        /// Expected owner uid.
        public var uid: Int?
        /// Expected group gid.
        public var gid: Int?
    }

    /// Checks a file's contents against regular expressions.
    public struct FileContentTest: Sendable, Equatable {
        /// The test's name (its dotted name is derived from it).
        public var name: String
        /// The spec line the test starts on.
        public var line: Int
        /// The path in the image.
        public var path: String
        /// Regular expressions the contents must match.
        public var expectedContents: [String] = []
        /// Regular expressions the contents must not match.
        public var excludedContents: [String] = []
    }

    /// Checks the image's configuration (`docker image inspect`).
    public struct MetadataTest: Sendable, Equatable {
        /// The spec line the test starts on.
        public var line: Int
        /// Environment variables the image must set.
        public var env: [(key: String, value: String)] = []
        /// Labels the image must carry.
        public var labels: [(key: String, value: String, isRegex: Bool)] = []
        /// Ports the image must expose.
        public var exposedPorts: [String] = []
        /// Ports the image must not expose.
        public var unexposedPorts: [String] = []
        /// The expected entrypoint.
        public var entrypoint: [String]?
        /// The expected command.
        public var cmd: [String]?
        /// The expected working directory.
        public var workdir: String?
        /// The expected user.
        public var user: String?

        /// Equal when every expectation is the same.
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.line == rhs.line && lhs.env.map { "\($0.key)=\($0.value)" } == rhs.env.map { "\($0.key)=\($0.value)" }
                && lhs.labels.map { "\($0.key)=\($0.value)\($0.isRegex)" }
                    == rhs.labels.map { "\($0.key)=\($0.value)\($0.isRegex)" }
                && lhs.exposedPorts == rhs.exposedPorts && lhs.unexposedPorts == rhs.unexposedPorts
                && lhs.entrypoint == rhs.entrypoint && lhs.cmd == rhs.cmd && lhs.workdir == rhs.workdir
                && lhs.user == rhs.user
        }
    }
}

/// A spec that cannot be used, with the file and line to fix.
public struct StructureSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec file.
    public var file: String
    /// 1-based line (0 when the file could not be read).
    public var line: Int
    /// What is wrong.
    public var message: String

    /// `file:line: message`.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Turns a test name into the slug used in its dotted name (`Python version` -> `python-version`).
func slug(_ name: String) -> String {
    var result = ""
    for character in name.lowercased() {
        if character.isLetter || character.isNumber || character == "_" || character == "." {
            result.append(character)
        } else if !result.hasSuffix("-") {
            result.append("-")
        }
    }
    let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    return trimmed.isEmpty ? "test" : trimmed
}
