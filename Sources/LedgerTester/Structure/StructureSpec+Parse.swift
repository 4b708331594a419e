import Foundation
import Yams

extension StructureSpec {
    /// Reads and validates a spec file; every error names the file and line.
    public static func load(path: String) throws -> StructureSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StructureSpecError(file: path, line: 0, message: "cannot read the spec file")
        }
        guard !data.contains(0), let text = String(validating: data, as: UTF8.self) else {
            throw StructureSpecError(file: path, line: 0, message: "not UTF-8 text (a binary file?): give a YAML spec")
        }
        return try parse(text, file: path)
    }

    /// Parses spec text (`file` names it in errors).
    public static func parse(_ text: String, file: String) throws -> StructureSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw StructureSpecError(file: file, line: mark.line, message: "invalid YAML: \(problem)")
            default:
                throw StructureSpecError(file: file, line: 0, message: "invalid YAML: \(error)")
            }
        }
        guard let root else { throw StructureSpecError(file: file, line: 1, message: "the spec is empty") }
        let reader = SpecReader(file: file)
        let top = try reader.mapping(root, "the spec")
        var spec = StructureSpec(file: file)
        for (keyNode, value) in top {
            let key = keyNode.string ?? ""
            switch key {
            case "schemaVersion":
                let version = try reader.string(value, key)
                guard version.hasPrefix("2.") else {
                    throw reader.error(value, "schemaVersion \(version) is not supported (use 2.0.0)")
                }
            case "commandTests": spec.commandTests = try reader.sequence(value, key).map(reader.commandTest)
            case "fileExistenceTests": spec.fileExistenceTests = try reader.sequence(value, key).map(reader.existence)
            case "fileContentTests": spec.fileContentTests = try reader.sequence(value, key).map(reader.content)
            case "metadataTest": spec.metadataTest = try reader.metadata(value)
            case "globalEnvVars", "licenseTests", "containerRunOptions":
                throw reader.error(keyNode, "`\(key)` is not supported by ledger test")
            default: throw reader.error(keyNode, "unknown key `\(key)`")
            }
        }
        var seen: [String: Int] = [:]
        for (name, line) in spec.caseNames {
            if let first = seen[name] {
                throw StructureSpecError(
                    file: file, line: line, message: "duplicate test `\(name)` (first at line \(first))")
            }
            seen[name] = line
        }
        return spec
    }

    /// The dotted names of the spec's cases with their lines.
    var caseNames: [(String, Int)] {
        commandTests.map { ("structure.command.\(slug($0.name))", $0.line) }
            + fileExistenceTests.map { ("structure.file_existence.\(slug($0.name))", $0.line) }
            + fileContentTests.map { ("structure.file_content.\(slug($0.name))", $0.line) }
            + (metadataTest.map { [("structure.metadata", $0.line)] } ?? [])
    }
}

/// Reads typed values from composed YAML nodes, throwing errors with positions.
struct SpecReader {
    var file: String

    func error(_ node: Node, _ message: String) -> StructureSpecError {
        StructureSpecError(file: file, line: node.mark?.line ?? 0, message: message)
    }

    func mapping(_ node: Node, _ what: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping") }
        return mapping
    }

    func sequence(_ node: Node, _ what: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "`\(what)` must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard let scalar = node.scalar else { throw error(node, "`\(what)` must be a string") }
        return scalar.string
    }

    func strings(_ node: Node, _ what: String) throws -> [String] {
        try sequence(node, what).map { try string($0, what) }
    }

    func regexes(_ node: Node, _ what: String) throws -> [String] {
        let patterns = try strings(node, what)
        for pattern in patterns {
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                throw self.error(node, "`\(what)` has an invalid regular expression: \(pattern)")
            }
        }
        return patterns
    }

    func int(_ node: Node, _ what: String) throws -> Int {
        guard let value = node.int else { throw error(node, "`\(what)` must be an integer") }
        return value
    }

    func bool(_ node: Node, _ what: String) throws -> Bool {
        guard let value = node.bool else { throw error(node, "`\(what)` must be true or false") }
        return value
    }

    /// The `{key, value}` pairs container-structure-test uses for environment and labels.
    func pairs(_ node: Node, _ what: String) throws -> [(key: String, value: String, isRegex: Bool)] {
        try sequence(node, what).map { item in
            let map = try mapping(item, "an item of `\(what)`")
            guard let key = map["key"] else { throw error(item, "an item of `\(what)` needs `key`") }
            let value = try map["value"].map { try string($0, "value") } ?? ""
            let isRegex = try map["isRegex"].map { try bool($0, "isRegex") } ?? false
            return (try string(key, "key"), value, isRegex)
        }
    }

    func required(_ map: Node.Mapping, _ key: String, in node: Node) throws -> Node {
        guard let value = map[key] else { throw error(node, "the test needs `\(key)`") }
        return value
    }

    func commandTest(_ node: Node) throws -> StructureSpec.CommandTest {
        let map = try mapping(node, "a command test")
        var test = StructureSpec.CommandTest(
            name: try string(try required(map, "name", in: node), "name"), line: node.mark?.line ?? 0,
            command: try string(try required(map, "command", in: node), "command"))
        for (keyNode, value) in map {
            switch keyNode.string ?? "" {
            case "name", "command": break
            case "args": test.args = try strings(value, "args")
            case "envVars": test.envVars = Dictionary(try pairs(value, "envVars").map { ($0.key, $0.value) }) { $1 }
            case "expectedOutput": test.expectedOutput = try regexes(value, "expectedOutput")
            case "excludedOutput": test.excludedOutput = try regexes(value, "excludedOutput")
            case "expectedError": test.expectedError = try regexes(value, "expectedError")
            case "excludedError": test.excludedError = try regexes(value, "excludedError")
            case "exitCode": test.exitCode = try int(value, "exitCode")
            case let key: throw error(keyNode, "unknown key `\(key)` in command test `\(test.name)`")
            }
        }
        return test
    }

    func existence(_ node: Node) throws -> StructureSpec.FileExistenceTest {
        let map = try mapping(node, "a file existence test")
        var test = StructureSpec.FileExistenceTest(
            name: try string(try required(map, "name", in: node), "name"), line: node.mark?.line ?? 0,
            path: try string(try required(map, "path", in: node), "path"))
        for (keyNode, value) in map {
            switch keyNode.string ?? "" {
            case "name", "path": break
            case "shouldExist": test.shouldExist = try bool(value, "shouldExist")
            case "permissions": test.permissions = try string(value, "permissions")
            case "uid": test.uid = try int(value, "uid")
            case "gid": test.gid = try int(value, "gid")
            case let key: throw error(keyNode, "unknown key `\(key)` in file existence test `\(test.name)`")
            }
        }
        return test
    }

    func content(_ node: Node) throws -> StructureSpec.FileContentTest {
        let map = try mapping(node, "a file content test")
        var test = StructureSpec.FileContentTest(
            name: try string(try required(map, "name", in: node), "name"), line: node.mark?.line ?? 0,
            path: try string(try required(map, "path", in: node), "path"))
        for (keyNode, value) in map {
            switch keyNode.string ?? "" {
            case "name", "path": break
            case "expectedContents": test.expectedContents = try regexes(value, "expectedContents")
            case "excludedContents": test.excludedContents = try regexes(value, "excludedContents")
            case let key: throw error(keyNode, "unknown key `\(key)` in file content test `\(test.name)`")
            }
        }
        return test
    }

    func metadata(_ node: Node) throws -> StructureSpec.MetadataTest {
        let map = try mapping(node, "`metadataTest`")
        var test = StructureSpec.MetadataTest(line: node.mark?.line ?? 0)
        for (keyNode, value) in map {
            switch keyNode.string ?? "" {
            case "env", "envVars": test.env = try pairs(value, "env").map { ($0.key, $0.value) }
            case "labels": test.labels = try pairs(value, "labels")
            case "exposedPorts": test.exposedPorts = try strings(value, "exposedPorts")
            case "unexposedPorts": test.unexposedPorts = try strings(value, "unexposedPorts")
            case "entrypoint": test.entrypoint = try strings(value, "entrypoint")
            case "cmd": test.cmd = try strings(value, "cmd")
            case "workdir": test.workdir = try string(value, "workdir")
            case "user": test.user = try string(value, "user")
            case let key: throw error(keyNode, "unknown key `\(key)` in metadataTest")
            }
        }
        return test
    }
}
