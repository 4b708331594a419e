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
        public var name: String
        public var line: Int
        public var command: String
        public var args: [String] = []
        public var envVars: [String: String] = [:]
        public var expectedOutput: [String] = []
        public var excludedOutput: [String] = []
        public var expectedError: [String] = []
        public var excludedError: [String] = []
        public var exitCode: Int?
    }

    /// Checks that a path exists (or not), its permissions and owner.
    public struct FileExistenceTest: Sendable, Equatable {
        public var name: String
        public var line: Int
        public var path: String
        public var shouldExist: Bool = true
        public var permissions: String?
        public var uid: Int?
        public var gid: Int?
    }

    /// Checks a file's contents against regular expressions.
    public struct FileContentTest: Sendable, Equatable {
        public var name: String
        public var line: Int
        public var path: String
        public var expectedContents: [String] = []
        public var excludedContents: [String] = []
    }

    /// Checks the image's configuration (`docker image inspect`).
    public struct MetadataTest: Sendable, Equatable {
        public var line: Int
        public var env: [(key: String, value: String)] = []
        public var labels: [(key: String, value: String, isRegex: Bool)] = []
        public var exposedPorts: [String] = []
        public var unexposedPorts: [String] = []
        public var entrypoint: [String]?
        public var cmd: [String]?
        public var workdir: String?
        public var user: String?

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
