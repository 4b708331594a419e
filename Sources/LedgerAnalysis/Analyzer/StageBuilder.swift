import Foundation

/// Walks a parsed Dockerfile into stages: resolves ARG/ENV, WORKDIR and COPY, finds installs in `RUN`, and
/// reads the requirements files they reference.
struct StageBuilder {
    let dockerfile: Dockerfile
    let files: ContextFiles
    let buildArgs: [String: String]
    var stages: [Stage] = []
    var findings: [Finding] = []
    /// Requirements files read, in order, with their parsed content.
    var documents: [String: RequirementsDocument] = [:]
    var documentOrder: [String] = []
    /// Lines of every file read (for fixes).
    var fileLines: [String: [String]] = [:]
    var stepCounter = 0
    /// Stage names (lower-cased) -> index.
    var stageNames: [String: Int] = [:]

    init(dockerfile: Dockerfile, files: ContextFiles, buildArgs: [String: String]) {
        self.dockerfile = dockerfile
        self.files = files
        self.buildArgs = buildArgs
        fileLines[dockerfile.path] = dockerfile.lines
    }

    mutating func build() throws {
        var globalArgs: [String: String] = [:]
        for instruction in dockerfile.instructions {
            if instruction.keyword == "FROM" {
                startStage(instruction, globalArgs: globalArgs)
                continue
            }
            guard !stages.isEmpty else {
                if instruction.keyword == "ARG" {
                    globalArgs = Self.declaring(
                        instruction.arguments, in: globalArgs, global: [:], buildArgs: buildArgs)
                }
                continue
            }
            let current = stages.count - 1
            switch instruction.keyword {
            case "ARG":
                let variables = Self.declaring(
                    instruction.arguments, in: stages[current].variables, global: globalArgs,
                    buildArgs: buildArgs)
                stages[current].variables = variables
            case "ENV":
                let pairs = Self.keyValues(instruction.arguments, variables: stages[current].variables)
                for (name, value) in pairs { stages[current].variables[name] = value ?? "" }
            case "WORKDIR":
                let (path, _) = Substitution.apply(
                    instruction.arguments.trimmingSpaces, variables: stages[current].variables)
                stages[current].workdir = Self.join(stages[current].workdir, path)
            case "COPY", "ADD":
                recordCopy(instruction, stage: current)
            case "RUN":
                try run(instruction, stage: current)
            default:
                break
            }
        }
    }

    // MARK: FROM, ARG, ENV

    mutating func startStage(_ instruction: Instruction, globalArgs: [String: String]) {
        let words = instruction.arguments.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let written = words.first ?? ""
        let (image, _) = Substitution.apply(written, variables: globalArgs)
        var name: String?
        if words.count >= 3, words[1].lowercased() == "as" { name = words[2].lowercased() }
        var stage = Stage(
            index: stages.count, name: name, fromLine: instruction.line, image: image, imageWritten: written)
        if let parent = stageNames[image.lowercased()] {
            stage.parent = parent
            stage.base = stages[parent].base
            stage.variables = stages[parent].variables.filter { !globalArgs.keys.contains($0.key) }
            stage.workdir = stages[parent].workdir
            stage.unsetsPipConstraint = stages[parent].unsetsPipConstraint
            stage.installsNvcc = stages[parent].installsNvcc
        } else if image.lowercased() != "scratch" {
            stage.base = BaseImage.parse(image)
        }
        if let name, stageNames[name] == nil { stageNames[name] = stage.index }
        stages.append(stage)
    }

    /// A stage and its ancestors, nearest first (bounded: COPY lookups stay linear on any input).
    func ancestry(_ stage: Int) -> [Int] {
        var result: [Int] = []
        var current: Int? = stage
        while let index = current, result.count < 64 {
            result.append(index)
            current = stages[index].parent
        }
        return result
    }

    static func declaring(
        _ text: String, in current: [String: String], global: [String: String], buildArgs: [String: String]
    ) -> [String: String] {
        var variables = current
        for (name, value) in keyValues(text, variables: variables, allowBare: true) {
            if let given = buildArgs[name] {
                variables[name] = given
            } else if let value {
                variables[name] = value
            } else if let inherited = global[name] {
                variables[name] = inherited
            }
        }
        return variables
    }

    /// `A=1 B="x y"` or the legacy `A value words`; `allowBare` accepts `NAME` without a value.
    static func keyValues(_ text: String, variables: [String: String], allowBare: Bool = false) -> [(String, String?)] {
        let words = ShellTokenizer.commands(in: text, variables: variables).flatMap(\.words)
        guard let first = words.first else { return [] }
        if !first.text.contains("=") && !allowBare && words.count >= 2 {
            return [(first.text, words.dropFirst().map(\.text).joined(separator: " "))]
        }
        return words.map { word in
            guard let equals = word.text.firstIndex(of: "=") else { return (word.text, nil) }
            return (
                String(word.text[word.text.startIndex..<equals]), String(word.text[word.text.index(after: equals)...])
            )
        }
    }

    // MARK: COPY / ADD

    mutating func recordCopy(_ instruction: Instruction, stage: Int) {
        guard !instruction.flags.contains(where: { $0.hasPrefix("--from") }) else { return }
        var paths: [String]
        if instruction.arguments.hasPrefix("["),
            let array = try? JSONDecoder().decode([String].self, from: Data(instruction.arguments.utf8))
        {
            paths = array
        } else {
            paths = ShellTokenizer.commands(in: instruction.arguments, variables: stages[stage].variables)
                .flatMap(\.words).map(\.text)
        }
        guard let destinationText = paths.last else { return }
        var destination = Self.join(stages[stage].workdir, destinationText)
        if destinationText.hasSuffix("/") { destination += "/" }
        if !instruction.heredocs.isEmpty {
            for heredoc in instruction.heredocs {
                let target = destinationText.hasSuffix("/") ? destination + heredoc.name : destination
                stages[stage].inlineFiles[Self.join("/", target)] = heredoc.lines
            }
            return
        }
        let sources = paths.dropLast().filter { !$0.hasPrefix("http://") && !$0.hasPrefix("https://") }
        stages[stage].copies.append((sources.map(ContextFiles.normalize), destination))
    }

    /// The context file a container path came from through COPY/ADD, newest copy first.
    func contextFile(forContainerPath rawPath: String, stage: Int) -> String? {
        let path = Self.join(stages[stage].workdir, rawPath)
        for ancestor in ancestry(stage) {
            for copy in stages[ancestor].copies.reversed() {
                if let found = match(path, copy: copy) { return found }
            }
        }
        // A path that names a context file directly (the context copied under another layout).
        let direct = ContextFiles.normalize(rawPath)
        if !rawPath.hasPrefix("/"), files.exists(direct) { return direct }
        return nil
    }

    /// The context file behind container `path` if this COPY brought it.
    func match(_ path: String, copy: (sources: [String], destination: String)) -> String? {
        let destination = copy.destination
        let directory = destination.hasSuffix("/") ? String(destination.dropLast()) : destination
        // Cheap rejection: the path must be the destination or lie under it.
        guard path == directory || path.hasPrefix(directory + "/") || directory.isEmpty else { return nil }
        let destinationIsDirectory =
            destination.hasSuffix("/") || copy.sources.count > 1
            || copy.sources.contains { $0.isEmpty || files.isDirectory($0) }
        for source in copy.sources {
            if source.isEmpty || files.isDirectory(source) {
                guard path.hasPrefix(directory + "/") || directory.isEmpty else { continue }
                let rest = String(path.dropFirst(directory.count + 1))
                let candidate = ContextFiles.normalize(source + "/" + rest)
                if files.exists(candidate) { return candidate }
            } else if source.contains("*") || source.contains("?") {
                let name = (path as NSString).lastPathComponent
                let folder = (source as NSString).deletingLastPathComponent
                guard path == directory + "/" + name || path == directory,
                    Self.wildcard((source as NSString).lastPathComponent, matches: name)
                else { continue }
                let candidate = ContextFiles.normalize(folder + "/" + name)
                if files.exists(candidate) { return candidate }
            } else if destinationIsDirectory {
                if path == directory + "/" + (source as NSString).lastPathComponent, files.exists(source) {
                    return source
                }
            } else if path == directory, files.exists(source) {
                return source
            }
        }
        return nil
    }

    /// Shell-style `*` and `?` matching (linear backtracking on one star).
    static func wildcard(_ pattern: String, matches name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == "?" || p[pi] == n[ni] {
                pi += 1
                ni += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ni
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Joins a container path onto a working directory.
    static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("/") { return "/" + ContextFiles.normalize(path) }
        return "/" + ContextFiles.normalize(base + "/" + path)
    }
}
