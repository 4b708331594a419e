import Foundation

/// Fixes learned from a failed build's log (pip's resolver and index errors).
public enum LogFixes {
    /// Fixes learned from a failed build log, e.g. pip's ResolutionImpossible "torchvision 0.21.0 depends on
    /// torch==2.6.0" while requirements pin torch==2.5.1 -> pin torchvision to the torch-matching version (0.20.1)
    /// where it is required (a requirements file or a RUN pip line). Also "No matching distribution found for
    /// torch==X" with a CUDA index that lacks X -> pin a torch that exists there, or drop the bad local `+cuXYZ`.
    /// Never just deletes a package.
    public static func fixes(forLog log: String, context: String, dockerfile: String) -> [Fix] {
        let files = ContextFiles(root: context)
        let path = files.relative(dockerfile)
        guard let text = try? files.readText(path, name: dockerfile) else { return [] }
        var builder = StageBuilder(dockerfile: DockerfileParser.parse(text, path: path), files: files, buildArgs: [:])
        guard (try? builder.build()) != nil else { return [] }
        let steps = builder.stages.flatMap(\.steps)
        let clean = stripANSI(log)
        var fixes: [Fix] = []
        fixes += resolverFixes(clean, steps: steps)
        fixes += missingDistributionFixes(clean, steps: steps)
        var seen: Set<String> = []
        return fixes.filter { seen.insert("\($0.file):\($0.line ?? 0):\($0.after)").inserted }
    }

    /// "torchvision 0.21.0 depends on torch==2.6.0" with torch pinned elsewhere: pin the companion to torch's.
    static func resolverFixes(_ log: String, steps: [InstallStep]) -> [Fix] {
        var fixes: [Fix] = []
        let requested = matches(#"The user requested torch==([^\s,;)]+)"#, in: log).first.flatMap {
            PackageVersion($0[0])
        }
        for groups in matches(#"(torchvision|torchaudio) ([0-9][^\s]*) depends on torch==([^\s,;)]+)"#, in: log) {
            guard let companion = Companion(rawValue: groups[0]), let version = PackageVersion(groups[1]) else {
                continue
            }
            let torch = requested ?? pinnedTorch(in: steps)
            guard let torch, let match = companion.version(forTorch: torch) else { continue }
            let sites = steps.flatMap { RuleContext.sites(companion.rawValue, in: $0, constraints: true) }
            let exact = sites.filter { $0.requirement.pinnedVersion?.baseString == version.baseString }
            for site in (exact.isEmpty ? sites : exact) {
                let text = site.requirement.pinnedVersion?.local.map { "\(match.baseString)+\($0)" } ?? match.baseString
                if let fix = FixBuilder.pin(site, to: text, rule: RuleID.visionPairLog(companion)) { fixes.append(fix) }
            }
        }
        return fixes
    }

    /// "No matching distribution found for torch==X": drop a bad local label, or pin a torch the index has.
    static func missingDistributionFixes(_ log: String, steps: [InstallStep]) -> [Fix] {
        var fixes: [Fix] = []
        let available = matches(
            #"requirement (torch|torchvision|torchaudio)==[^\s]+ \(from versions: ([^)]*)\)"#, in: log)
        for groups in matches(
            #"No matching distribution found for (torch|torchvision|torchaudio)==([^\s,;)]+)"#, in: log)
        {
            let name = groups[0]
            guard let wanted = PackageVersion(groups[1]) else { continue }
            for step in steps {
                for site in RuleContext.sites(name, in: step) {
                    guard let pinned = site.requirement.pinnedVersion,
                        pinned.description == wanted.description
                            || pinned.baseString == wanted.baseString
                    else { continue }
                    if wanted.local != nil {
                        // Drop the local label: the index in use serves its own build of the same release.
                        if let fix = FixBuilder.pin(site, to: wanted.publicString, rule: RuleID.localVariant) {
                            fixes.append(fix)
                        }
                        continue
                    }
                    guard name == "torch" else { continue }
                    let listed = available.first { $0[0] == name }.map { $0[1] }
                    guard let replacement = replacementTorch(for: wanted, listed: listed, step: step) else { continue }
                    if let fix = FixBuilder.pin(site, to: replacement.description, rule: RuleID.indexMissingBuild) {
                        fixes.append(fix)
                    }
                    // Keep the companions matched to the new torch.
                    for companion in Companion.allCases {
                        guard let match = companion.version(forTorch: replacement) else { continue }
                        for other in steps.flatMap({ RuleContext.sites(companion.rawValue, in: $0) })
                        where other.requirement.pinnedVersion != nil {
                            if let fix = FixBuilder.pin(other, to: match.baseString, rule: RuleID.indexMissingBuild) {
                                fixes.append(fix)
                            }
                        }
                    }
                }
            }
        }
        return fixes
    }

    /// The newest torch not above `wanted` that the index has: from pip's "from versions" list, else the knowledge.
    static func replacementTorch(for wanted: PackageVersion, listed: String?, step: InstallStep) -> PackageVersion? {
        if let listed {
            let versions = listed.split(separator: ",").compactMap { PackageVersion($0.trimmingSpaces) }
                .filter { !$0.isPrerelease && PackageVersion.compare($0, wanted, ignoringLocal: true) <= 0 }
            if let best = versions.max(by: { PackageVersion.compare($0, $1, ignoringLocal: true) < 0 }) {
                return PackageVersion(best.publicString)
            }
        }
        guard let variant = step.indexURL.flatMap({ WheelFacts.indexVariant($0.url) }) else { return nil }
        let candidates = TorchReleases.table.filter { $0.cudaVariants.contains(variant) || variant == "cpu" }
            .compactMap { PackageVersion($0.torch) }.filter { $0 <= wanted }
        return candidates.max()
    }

    static func pinnedTorch(in steps: [InstallStep]) -> PackageVersion? {
        steps.flatMap { RuleContext.sites("torch", in: $0, constraints: true) }.compactMap(\.requirement.pinnedVersion)
            .last
    }

    /// Capture groups of every match of `pattern`.
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    /// Removes ANSI escape sequences (the legacy builder colours stderr).
    static func stripANSI(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        return text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*[A-Za-z]", with: "", options: .regularExpression)
    }
}

extension RuleID {
    static func visionPairLog(_ companion: Companion) -> String {
        companion == .torchvision ? visionPair : audioPair
    }
}
