/// One package-install command found in a `RUN` (pip, pip3, `python -m pip`, `uv pip`, conda, mamba).
struct PackageInstall: Sendable {
    enum Tool: String, Sendable { case pip, uv, conda }

    /// A package argument and where it is written.
    struct Package: Sendable {
        var requirement: Requirement
        var word: ShellWord
    }

    var tool: Tool
    var packages: [Package] = []
    /// `-r` / `-c` files as written, with the word.
    var files: [(path: String, isConstraint: Bool, word: ShellWord)] = []
    var indexURL: ShellWord?
    var extraIndexURLs: [ShellWord] = []
    var findLinks: [String] = []
    var noIndex = false
    var noBuildIsolation = false
    /// uv's `--torch-backend` (`cu124`, `cpu`, `auto`).
    var torchBackend: String?
    /// `NAME=value` words before the command.
    var assignments: [String: String] = [:]
    /// Conda channels (`-c pytorch`).
    var channels: [String] = []
}

/// Finds package installs in the simple commands of a `RUN`.
enum InstallExtractor {
    /// pip options that take a value (the next word unless given as `--opt=value`).
    static let valued: Set<String> = [
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
        "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--python-version",
        "--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--log", "--cache-dir",
        "--global-option", "--config-settings", "-C", "--no-binary", "--only-binary", "--use-feature",
        "--root-user-action", "--report", "-e", "--editable", "--timeout", "--retries", "--proxy", "--cert",
        "--client-cert", "--exists-action", "--python", "--index", "--default-index", "--torch-backend", "-p",
        "--index-strategy", "--keyring-provider", "--resolution", "--prerelease", "--extra", "--override",
        "--build-constraint", "-b", "--exclude-newer", "--link-mode", "--config-setting", "--install-option",
    ]
    /// conda options that take a value.
    static let condaValued: Set<String> = [
        "-c", "--channel", "-n", "--name", "-p", "--prefix", "--file", "--override-channels", "--repodata-fn",
    ]
    static let wrappers: Set<String> = [
        "sudo", "env", "time", "nice", "exec", "command", "nohup", "then", "do",
        "else", "if", "!", "{", "xargs",
    ]

    /// The installs in `commands`, recursing into `bash -c '…'`.
    static func installs(in commands: [ShellCommand], variables: [String: String]) -> [PackageInstall] {
        var found: [PackageInstall] = []
        for command in commands {
            if let install = install(in: command.words) { found.append(install) }
        }
        return found
    }

    /// Recognizes one simple command as an install.
    static func install(in allWords: [ShellWord]) -> PackageInstall? {
        var words = ArraySlice(allWords)
        var assignments: [String: String] = [:]
        while let first = words.first {
            if let equals = first.text.firstIndex(of: "="), !first.text.hasPrefix("-"),
                first.text[first.text.startIndex..<equals].allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber })
            {
                assignments[String(first.text[first.text.startIndex..<equals])] =
                    String(first.text[first.text.index(after: equals)...])
                words = words.dropFirst()
            } else if wrappers.contains(first.text)
                || (first.text.hasPrefix("-") && words.startIndex > 0
                    && wrappers.contains(allWords[words.startIndex - 1].text))
            {
                words = words.dropFirst()
            } else {
                break
            }
        }
        guard let program = words.first else { return nil }
        let name = program.text.split(separator: "/").last.map(String.init) ?? program.text
        var rest = words.dropFirst()
        var tool: PackageInstall.Tool
        if name == "pip" || name.hasPrefix("pip3") || name.hasPrefix("pip2") {
            tool = .pip
        } else if name.hasPrefix("python") {
            guard rest.first?.text == "-m", rest.dropFirst().first?.text == "pip" else { return nil }
            rest = rest.dropFirst(2)
            tool = .pip
        } else if name == "uv" {
            guard rest.first?.text == "pip" else { return nil }
            rest = rest.dropFirst()
            tool = .uv
        } else if name == "conda" || name == "mamba" || name == "micromamba" {
            tool = .conda
        } else {
            return nil
        }
        // Global options may precede the subcommand (`pip --no-cache-dir install`).
        while let word = rest.first, word.text.hasPrefix("-") { rest = rest.dropFirst() }
        guard let subcommand = rest.first?.text,
            subcommand == "install" || (tool == .conda && subcommand == "create")
        else { return nil }
        rest = rest.dropFirst()
        var install = PackageInstall(tool: tool)
        install.assignments = assignments
        if tool == .conda {
            parseConda(Array(rest), into: &install)
        } else {
            parsePip(Array(rest), into: &install)
        }
        return install
    }

    static func parsePip(_ words: [ShellWord], into install: inout PackageInstall) {
        var index = 0
        while index < words.count {
            let word = words[index]
            let text = word.text
            index += 1
            guard text.hasPrefix("-"), text.count > 1 else {
                if let requirement = Requirement.parse(text), !word.unresolved || requirement.pinnedVersion != nil {
                    install.packages.append(.init(requirement: requirement, word: word))
                }
                continue
            }
            var option = text
            var value: String?
            var valueWord = word
            if let equals = text.firstIndex(of: "="), text.hasPrefix("--") {
                option = String(text[text.startIndex..<equals])
                value = String(text[text.index(after: equals)...])
            } else if !text.hasPrefix("--"), text.count > 2, valued.contains(String(text.prefix(2))) {
                option = String(text.prefix(2))
                value = String(text.dropFirst(2))
            } else if valued.contains(text), index < words.count {
                value = words[index].text
                valueWord = words[index]
                index += 1
            }
            switch option {
            case "-r", "--requirement": if let value { install.files.append((value, false, valueWord)) }
            case "-c", "--constraint", "--override", "--build-constraint":
                if let value { install.files.append((value, true, valueWord)) }
            case "-i", "--index-url", "--default-index":
                if let value {
                    install.indexURL = ShellWord(
                        text: value, start: valueWord.start, end: valueWord.end,
                        quoted: valueWord.quoted, unresolved: valueWord.unresolved)
                }
            case "--extra-index-url", "--index":
                if let value {
                    install.extraIndexURLs.append(
                        ShellWord(
                            text: value, start: valueWord.start,
                            end: valueWord.end, quoted: valueWord.quoted, unresolved: valueWord.unresolved))
                }
            case "-f", "--find-links": if let value { install.findLinks.append(value) }
            case "--no-index": install.noIndex = true
            case "--no-build-isolation": install.noBuildIsolation = true
            case "--torch-backend": install.torchBackend = value
            case "-e", "--editable":
                if let value, let requirement = Requirement.parse(value), !requirement.name.isEmpty {
                    install.packages.append(.init(requirement: requirement, word: valueWord))
                }
            default: break
            }
        }
    }

    /// conda specs: `pytorch=2.5.1`, `pytorch==2.5.1`, `pytorch-cuda=12.4`, `torchvision>=0.20`.
    static func parseConda(_ words: [ShellWord], into install: inout PackageInstall) {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word.text.hasPrefix("-") {
                if word.text == "-c" || word.text == "--channel", index < words.count {
                    install.channels.append(words[index].text)
                }
                if condaValued.contains(word.text) { index += 1 }
                continue
            }
            let spec = word.text.split(separator: "::").last.map(String.init) ?? word.text
            guard let operatorIndex = spec.firstIndex(where: { "=<>!~".contains($0) }) else {
                if let requirement = Requirement.parse(condaName(spec)) {
                    install.packages.append(.init(requirement: requirement, word: word))
                }
                continue
            }
            let name = condaName(String(spec[spec.startIndex..<operatorIndex]))
            var constraint = String(spec[operatorIndex...])
            if constraint.hasPrefix("=") && !constraint.hasPrefix("==") {
                // `=2.5.1` is conda's fuzzy match; `=2.5.1=build` names a build.
                let version = constraint.dropFirst().split(separator: "=").first.map(String.init) ?? ""
                constraint = version.hasSuffix("*") ? "==" + version : "==" + version
                if constraint.hasSuffix("*") && !constraint.hasSuffix(".*") {
                    constraint = String(constraint.dropLast()) + ".*"
                }
            }
            if let requirement = Requirement.parse(name + constraint) {
                install.packages.append(.init(requirement: requirement, word: word))
            }
        }
    }

    /// conda's `pytorch` is pip's `torch`.
    static func condaName(_ name: String) -> String { name == "pytorch" ? "torch" : name }
}
