import Foundation

extension RuleContext {
    /// The torch version a stage ends with, if known: the last exact pin, else the base image's.
    func finalTorch(stage: Stage, steps: [InstallStep]) -> (version: PackageVersion, verified: Bool, origin: String)? {
        for step in steps.reversed() {
            guard let site = Self.sites("torch", in: step).last else { continue }
            if let version = site.requirement.pinnedVersion {
                return (version, true, "torch==\(version.description) at \(Self.at(site))")
            }
            if let base = stage.base?.torch, site.requirement.specifier.contains(base) { break }
            return nil
        }
        guard let image = stage.base, let torch = image.torch else { return nil }
        return (torch, image.torchVerified, "the torch of \(image.reference)")
    }

    /// Wheels (flash-attn style names, flashinfer index paths) built for another torch minor.
    mutating func checkWheels(stage: Stage, steps: [InstallStep]) {
        guard let torch = finalTorch(stage: stage, steps: steps) else { return }
        for step in steps {
            for site in step.sites where site.applies != false {
                guard let url = site.requirement.url, url.lowercased().hasSuffix(".whl"),
                    let builtFor = WheelFacts.builtForTorch(url.replacingPercentPlus()),
                    builtFor != torch.version.minorKey
                else { continue }
                add(
                    RuleID.wheelABI, torch.verified ? .error : .warning,
                    "this \(site.requirement.name.isEmpty ? "wheel" : site.requirement.name) wheel is built for torch "
                        + "\(builtFor), but the image has torch \(torch.version.publicString) (\(torch.origin)): its "
                        + "compiled ops fail to load (undefined symbol); use the wheel for torch "
                        + "\(torch.version.minorKey)",
                    file: site.file, line: site.line)
            }
            for option in [step.indexURL].compactMap({ $0 }) + step.extraIndexURLs {
                guard let builtFor = WheelFacts.builtForTorch(option.url), builtFor != torch.version.minorKey else {
                    continue
                }
                add(
                    RuleID.wheelABI, torch.verified ? .error : .warning,
                    "index \(option.url) serves wheels built for torch \(builtFor), but the image has torch "
                        + "\(torch.version.publicString) (\(torch.origin))",
                    file: option.file, line: option.line,
                    fix: FixBuilder.substitute(
                        "torch" + builtFor, with: "torch" + torch.version.minorKey,
                        lines: fileLines[option.file], file: option.file, line: option.line,
                        rule: RuleID.wheelABI, kind: .pin))
            }
        }
    }

    /// transformers pinned with a huggingface-hub outside its required range.
    mutating func checkHubFloor(_ steps: [InstallStep]) {
        var transformers: (PackageVersion, RequirementSite)?
        var hub: (PackageVersion, RequirementSite)?
        for step in steps {
            for site in step.sites + step.constraints where site.applies != false {
                guard let version = site.requirement.specifier.pinned else { continue }
                if site.requirement.normalizedName == "transformers" { transformers = (version, site) }
                if site.requirement.normalizedName == "huggingface-hub" { hub = (version, site) }
            }
        }
        guard let (version, transformersSite) = transformers, let (hubVersion, hubSite) = hub,
            let row = HubFloors.table.first(where: { $0.transformers == version.publicString }),
            let floor = PackageVersion(row.floor), let below = PackageVersion(row.below)
        else { return }
        guard hubVersion < floor || hubVersion >= below else { return }
        add(
            RuleID.hubFloor, .error,
            "transformers \(version.publicString) (\(Self.at(transformersSite))) "
                + "requires huggingface-hub>=\(row.floor),"
                + "<\(row.below), but \(hubVersion.publicString) is pinned",
            file: hubSite.file, line: hubSite.line, fix: FixBuilder.pin(hubSite, to: row.floor, rule: RuleID.hubFloor))
    }

    /// FSDP2's public `fully_shard` imported by the context's Python sources while torch is below 2.6.
    mutating func checkFullyShard(stage: Stage, steps: [InstallStep]) {
        guard let torch = finalTorch(stage: stage, steps: steps),
            PackageVersion.compare(torch.version, PackageVersion(release: 2, 6, 0), ignoringLocal: true) < 0,
            !(torch.version.major == 2 && torch.version.minor == 6)
        else { return }
        // Only sources the image gets: those a COPY/ADD of the final stage (or its ancestors) brings in.
        var sources: [String] = []
        var current: Int? = stage.index
        var depth = 0
        while let index = current, depth < 64 {
            sources += stages[index].copies.flatMap(\.sources)
            current = stages[index].parent
            depth += 1
        }
        guard !sources.isEmpty else { return }
        for path in files.pythonSources() where Self.isCopied(path, by: sources) {
            guard let text = try? files.readText(path) else { continue }
            guard text.contains("fully_shard") else { continue }
            for (number, line) in FullyShardScan.importLines(in: text) {
                add(
                    RuleID.fullyShard, torch.verified ? .error : .warning,
                    "`\(line.trimmingSpaces.prefix(100))` needs torch>=2.6 (the public FSDP2 API), but the image has "
                        + "torch \(torch.version.publicString) (\(torch.origin)); on 2.4-2.5 it lives in "
                        + "torch.distributed._composable.fsdp",
                    file: path, line: number)
            }
        }
    }
}

extension RuleContext {
    /// Whether a context file is brought into the image by one of the COPY/ADD `sources`.
    static func isCopied(_ path: String, by sources: [String]) -> Bool {
        sources.contains { source in
            if source.isEmpty || path == source || path.hasPrefix(source + "/") { return true }
            guard source.contains("*") || source.contains("?") else { return false }
            let folder = (source as NSString).deletingLastPathComponent
            let name = (path as NSString).lastPathComponent
            return (path as NSString).deletingLastPathComponent == folder
                && StageBuilder.wildcard((source as NSString).lastPathComponent, matches: name)
        }
    }
}

/// Finds `from torch.distributed.fsdp import … fully_shard …` (also parenthesized over lines) and
/// `torch.distributed.fsdp.fully_shard` uses.
enum FullyShardScan {
    static func importLines(in text: String) -> [(Int, String)] {
        var found: [(Int, String)] = []
        let lines = DockerfileParser.splitLines(text)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let code =
                line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
                ?? line
            if code.contains("torch.distributed.fsdp.fully_shard") {
                found.append((index + 1, line))
            } else if code.trimmingLeadingSpaces.hasPrefix("from torch.distributed.fsdp import") {
                var statement = code
                var end = index
                if code.contains("("), !code.contains(")") {
                    while end + 1 < lines.count, end - index < 200 {
                        end += 1
                        statement += " " + lines[end]
                        if lines[end].contains(")") { break }
                    }
                }
                let names = statement.components(separatedBy: "import").dropFirst().joined()
                    .split(whereSeparator: { " ,()\t".contains($0) })
                if names.contains("fully_shard") { found.append((index + 1, line)) }
                index = end
            }
            index += 1
        }
        return found
    }
}
