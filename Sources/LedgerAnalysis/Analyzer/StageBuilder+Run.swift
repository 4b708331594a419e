import Foundation

/// A script and how its byte offsets map to Dockerfile lines.
struct MappedScript {
    var text: String
    var segments: [Instruction.Segment]
    /// Whether offsets map to exact columns (false inside `bash -c '…'`).
    var exact = true
    /// The text's UTF-8 bytes (computed once: many installs in one RUN must not copy it each time).
    let bytes: [UInt8]

    init(text: String, segments: [Instruction.Segment], exact: Bool = true) {
        self.text = text
        self.segments = segments
        self.exact = exact
        self.bytes = Array(text.utf8)
    }

    func location(_ offset: Int) -> (line: Int, column: Int) {
        Instruction(
            keyword: "", flags: [], arguments: "", line: segments.first?.line ?? 1, segments: segments,
            heredocs: []
        ).location(ofArgumentOffset: offset)
    }
}

extension StageBuilder {
    /// Package names whose install compiles CUDA code against the installed torch.
    static let extensionPackages: Set<String> = [
        "flash-attn", "apex", "transformer-engine", "mamba-ssm", "causal-conv1d", "nvidia-apex", "grouped-gemm",
    ]
    static let extensionVariables: Set<String> = ["TORCH_CUDA_ARCH_LIST", "FORCE_CUDA", "DS_BUILD_OPS", "MAX_JOBS"]

    mutating func run(_ instruction: Instruction, stage: Int) throws {
        var scripts: [MappedScript] = []
        let arguments = instruction.arguments
        if arguments.hasPrefix("["), let array = try? JSONDecoder().decode([String].self, from: Data(arguments.utf8)) {
            // Exec form: each element is one word; a shell with `-c` runs its script.
            if array.count >= 3, ["sh", "bash", "/bin/sh", "/bin/bash"].contains(array[0]),
                let c = array.firstIndex(of: "-c"),
                c + 1 < array.count
            {
                scripts.append(MappedScript(text: array[c + 1], segments: instruction.segments, exact: false))
            } else {
                let quoted = array.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(
                    separator: " ")
                scripts.append(MappedScript(text: quoted, segments: instruction.segments, exact: false))
            }
        } else {
            scripts.append(MappedScript(text: arguments, segments: instruction.segments))
            // A heredoc body is a script when the command is only the heredoc or a shell reading it.
            let head = ShellTokenizer.commands(in: arguments, variables: [:]).first?.words.map(\.text) ?? []
            let isShell = head.isEmpty || ["sh", "bash", "/bin/sh", "/bin/bash"].contains(head[0])
            if isShell, let heredoc = instruction.heredocs.first {
                var text = ""
                var segments: [Instruction.Segment] = []
                for line in heredoc.lines {
                    segments.append(Instruction.Segment(offset: text.utf8.count, line: line.number, column: 0))
                    text += line.text + "\n"
                }
                scripts.append(MappedScript(text: text, segments: segments))
            }
        }
        for script in scripts {
            try analyzeScript(script, instruction: instruction, stage: stage, depth: 0)
        }
    }

    mutating func analyzeScript(_ script: MappedScript, instruction: Instruction, stage: Int, depth: Int) throws {
        let commands = ShellTokenizer.commands(in: script.text, variables: stages[stage].variables)
        for command in commands {
            let words = command.words.map(\.text)
            for target in command.redirects where stages[stage].writtenFiles.count < 10_000 {
                stages[stage].writtenFiles.insert(Self.join(stages[stage].workdir, target))
            }
            guard let program = words.first else { continue }
            if program == "curl" || program == "wget" {
                for (index, word) in words.enumerated().dropFirst()
                where ["-o", "-O", "--output", "--output-document"].contains(words[index - 1]) {
                    stages[stage].writtenFiles.insert(Self.join(stages[stage].workdir, word))
                }
            }
            if program == "unset", words.contains("PIP_CONSTRAINT") { stages[stage].unsetsPipConstraint = true }
            if words.contains(where: { $0.hasPrefix("PIP_CONSTRAINT=") && $0.count == 15 }) {
                stages[stage].unsetsPipConstraint = true
            }
            if words.contains("install"),
                words.contains(where: {
                    $0.hasPrefix("cuda-nvcc") || $0.hasPrefix("cuda-toolkit") || $0.hasPrefix("cuda-compiler")
                })
            {
                stages[stage].installsNvcc = true
            }
            // `bash -c '…'`: analyze the inner script (lines map to the word's line).
            if ["sh", "bash", "/bin/sh", "/bin/bash"].contains(program), let c = words.firstIndex(of: "-c"),
                c + 1 < command.words.count, depth < 4
            {
                let word = command.words[c + 1]
                let location = script.location(word.start)
                let inner = MappedScript(
                    text: word.text, segments: [Instruction.Segment(offset: 0, line: location.line, column: 0)],
                    exact: false)
                try analyzeScript(inner, instruction: instruction, stage: stage, depth: depth + 1)
                continue
            }
            let setupBuild =
                words.count >= 3 && words[1] == "setup.py"
                && ["install", "develop", "build_ext", "bdist_wheel"].contains(words[2])
            guard let install = InstallExtractor.install(in: command.words) else {
                if setupBuild {
                    var step = InstallStep(order: nextOrder(), line: instruction.line, tool: .pip)
                    step.buildsExtension = true
                    stages[stage].steps.append(step)
                }
                continue
            }
            for glued in command.glued where script.exact {
                let location = script.location(glued.start)
                let end = script.location(max(glued.start, glued.end - 1))
                guard location.line == end.line else { continue }
                let written = String(
                    decoding: script.bytes[glued.start..<min(glued.end, script.bytes.count)], as: UTF8.self)
                let package = glued.wordIndex < command.words.count ? command.words[glued.wordIndex].text : written
                stages[stage].glued.append(
                    GluedSpecifier(
                        line: location.line, column: location.column, written: written,
                        package: package))
            }
            try addStep(install, script: script, instruction: instruction, stage: stage)
        }
    }

    mutating func nextOrder() -> Int {
        stepCounter += 1
        return stepCounter
    }

    mutating func addStep(_ install: PackageInstall, script: MappedScript, instruction: Instruction, stage: Int) throws
    {
        var step = InstallStep(order: nextOrder(), line: instruction.line, tool: install.tool)
        let bytes = script.bytes
        let path = dockerfile.path
        for package in install.packages {
            let location = script.location(package.word.start)
            var written = ""
            var column = -1
            if script.exact, package.word.end <= bytes.count,
                script.location(max(package.word.start, package.word.end - 1)).line == location.line
            {
                written = String(decoding: bytes[package.word.start..<package.word.end], as: UTF8.self)
                column = location.column
            }
            step.sites.append(
                RequirementSite(
                    requirement: package.requirement, file: path, line: location.line,
                    lineText: dockerfile.lineText(location.line), written: written, column: column, isConstraint: false,
                    applies: package.requirement.marker.map(Marker.evaluate) ?? true))
        }
        let variables = stages[stage].variables.merging(install.assignments) { $1 }
        func option(_ word: ShellWord) -> IndexOption {
            IndexOption(url: word.text, file: path, line: script.location(word.start).line)
        }
        step.indexURL = install.indexURL.map(option)
        step.extraIndexURLs = install.extraIndexURLs.map(option)
        step.findLinks = install.findLinks
        step.noIndex = install.noIndex
        if step.indexURL == nil,
            let url = variables["PIP_INDEX_URL"] ?? variables["UV_INDEX_URL"] ?? variables["UV_DEFAULT_INDEX"]
        {
            step.indexURL = IndexOption(url: url, file: path, line: instruction.line)
        }
        for name in ["PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX"] {
            for url in (variables[name] ?? "").split(separator: " ") {
                step.extraIndexURLs.append(IndexOption(url: String(url), file: path, line: instruction.line))
            }
        }
        if let backend = install.torchBackend, TorchReleases.cudaVersion(ofVariant: backend) != nil || backend == "cpu"
        {
            step.indexURL = IndexOption(
                url: "https://download.pytorch.org/whl/\(backend)", file: path, line: instruction.line)
        }
        // Requirements and constraints files.
        var visited: Set<String> = []
        for file in install.files {
            let location = script.location(file.word.start)
            if let constraint = variables["PIP_CONSTRAINT"], constraint == file.path { continue }
            guard let contextPath = resolveRequirementsPath(file.path, stage: stage) else {
                let container = Self.join(stages[stage].workdir, file.path)
                if ancestry(stage).contains(where: { stages[$0].writtenFiles.contains(container) }) { continue }
                findings.append(
                    Finding(
                        rule: RuleID.requirementsMissing, severity: .warning,
                        message:
                            "`\(file.path)` is not copied from the context (no COPY/ADD brings it), "
                            + "so it was not checked",
                        file: path, line: location.line))
                continue
            }
            try include(contextPath, isConstraint: file.isConstraint, into: &step, visited: &visited, depth: 0)
        }
        if let constraint = variables["PIP_CONSTRAINT"], !constraint.isEmpty,
            let contextPath = resolveRequirementsPath(constraint, stage: stage)
        {
            try include(contextPath, isConstraint: true, into: &step, visited: &visited, depth: 0)
        }
        step.buildsExtension =
            install.noBuildIsolation
            || install.assignments.keys.contains(where: Self.extensionVariables.contains)
            || step.sites.contains { site in
                Self.extensionPackages.contains(site.requirement.normalizedName)
                    && (site.requirement.url == nil || site.requirement.url?.hasPrefix("git+") == true)
            }
        stages[stage].steps.append(step)
    }

    /// A container path (or an inline `COPY <<EOF` file) resolved to something readable.
    func resolveRequirementsPath(_ path: String, stage: Int) -> String? {
        let absolute = Self.join(stages[stage].workdir, path)
        if ancestry(stage).contains(where: { stages[$0].inlineFiles[absolute] != nil }) { return "inline:" + absolute }
        return contextFile(forContainerPath: path, stage: stage)
    }

    /// Reads and parses a requirements file (and what it includes) into `step`.
    mutating func include(
        _ contextPath: String, isConstraint: Bool, into step: inout InstallStep, visited: inout Set<String>, depth: Int
    ) throws {
        guard depth < 16, visited.insert(contextPath).inserted else { return }
        let document: RequirementsDocument
        if let cached = documents[contextPath] {
            document = cached
        } else if contextPath.hasPrefix("inline:") {
            let container = String(contextPath.dropFirst(7))
            let lines = stages.lazy.compactMap { $0.inlineFiles[container] }.first ?? []
            document = RequirementsParser.parse(
                lines: lines.map { ($0.number, Substring($0.text)) }, path: dockerfile.path, isConstraint: isConstraint)
            documents[contextPath] = document
            findings += document.findings
        } else {
            let text = try files.readText(contextPath)
            let lines = DockerfileParser.splitLines(text)
            fileLines[contextPath] = lines
            document = RequirementsParser.parse(
                lines: lines.enumerated().map { ($0.offset + 1, Substring($0.element)) }, path: contextPath,
                isConstraint: isConstraint)
            documentOrder.append(contextPath)
            findings += document.findings
            documents[contextPath] = document
        }
        let sites = document.sites.map { site -> RequirementSite in
            var copy = site
            copy.isConstraint = isConstraint
            return copy
        }
        if isConstraint { step.constraints += sites } else { step.sites += sites }
        if step.indexURL == nil { step.indexURL = document.indexURL }
        step.extraIndexURLs += document.extraIndexURLs
        step.findLinks += document.findLinks
        step.noIndex = step.noIndex || document.noIndex
        let folder = contextPath.hasPrefix("inline:") ? "" : (contextPath as NSString).deletingLastPathComponent
        for nested in document.includes {
            let candidate = ContextFiles.normalize(folder.isEmpty ? nested.path : folder + "/" + nested.path)
            guard files.exists(candidate) else {
                findings.append(
                    Finding(
                        rule: RuleID.requirementsMissing, severity: .warning,
                        message: "`\(nested.path)` is not in the context, so it was not checked",
                        file: document.path, line: nested.line))
                continue
            }
            try include(
                candidate, isConstraint: isConstraint || nested.isConstraint, into: &step, visited: &visited,
                depth: depth + 1)
        }
    }
}
