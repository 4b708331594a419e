/// torch as the install steps leave it: its version, where it was pinned, and whether it is the base image's.
struct TorchState {
    var version: PackageVersion
    var verified: Bool
    var site: RequirementSite?
    var fromBase: Bool
}

extension RuleContext {
    /// Replays a stage's installs in order, checking torch companions (same step: pip cannot resolve;
    /// across steps: a mismatch left behind or a torch replaced), the base image's torch, and NGC pre-releases.
    mutating func simulate(stage: Stage, steps: [InstallStep]) {
        let base = stage.base
        var torch: TorchState? = base.flatMap { image in
            image.torch.map { TorchState(version: $0, verified: image.torchVerified, site: nil, fromBase: true) }
        }
        var installed: [Companion: (site: RequirementSite, version: PackageVersion?)] = [:]
        for step in steps {
            let torchSite = Self.sites("torch", in: step).last
            let torchPin =
                torchSite.flatMap { site in site.requirement.pinnedVersion.map { ($0, site) } }
                ?? (torchSite != nil || Companion.allCases.contains { !Self.sites($0.rawValue, in: step).isEmpty }
                    ? Self.sites("torch", in: step, constraints: true).compactMap { site in
                        site.requirement.pinnedVersion.map { ($0, site) }
                    }.last : nil)
            if let (pinned, site) = torchPin {
                checkSameStep(step, torch: pinned, torchSite: site)
                for companion in Companion.allCases where Self.sites(companion.rawValue, in: step).isEmpty {
                    guard let earlier = installed[companion] else { continue }
                    checkLeftBehind(companion, earlier: earlier, torch: pinned, torchSite: site)
                }
                if let current = torch, current.fromBase,
                    PackageVersion.compare(pinned, current.version, ignoringLocal: true) != 0
                {
                    reportBaseReplaced(
                        stage: stage, by: site, needing: "torch==\(pinned.publicString)", base: current,
                        requested: pinned)
                }
                torch = TorchState(version: pinned, verified: true, site: site, fromBase: false)
                for companion in Companion.allCases {
                    for site in Self.sites(companion.rawValue, in: step) {
                        installed[companion] = (
                            site, site.requirement.pinnedVersion ?? companion.version(forTorch: pinned)
                        )
                    }
                }
                continue
            }
            // torch named unpinned beside an unpinned companion: pip may move torch to the companion's.
            if let site = torchSite, site.requirement.specifier.isEmpty,
                Companion.allCases.contains(where: { companion in
                    Self.sites(companion.rawValue, in: step).contains { $0.requirement.pinnedVersion == nil }
                })
            {
                torch = nil
                for companion in Companion.allCases {
                    for site in Self.sites(companion.rawValue, in: step) {
                        installed[companion] = (site, site.requirement.pinnedVersion)
                    }
                }
                continue
            }
            if let site = torchSite, !site.requirement.specifier.isEmpty {
                checkRangeStep(step, torchSite: site)
            }
            if let site = torchSite, let current = torch {
                if !site.requirement.specifier.isEmpty, !site.requirement.specifier.contains(current.version) {
                    if current.fromBase {
                        reportBaseReplaced(
                            stage: stage, by: site, needing: site.requirement.text, base: current,
                            requested: nil)
                    }
                    torch = nil
                }
            }
            for companion in Companion.allCases {
                for site in Self.sites(companion.rawValue, in: step) {
                    let pinned = site.requirement.pinnedVersion
                    installed[companion] = (site, pinned)
                    guard let current = torch else { continue }
                    if let pinned, let need = companion.need(ofVersion: pinned), !need.isMet(by: current.version) {
                        let fixVersion = companion.version(forTorch: current.version)?.baseString
                        let fix = fixVersion.flatMap { FixBuilder.pin(site, to: $0, rule: RuleID.torchReplaced) }
                        if current.fromBase {
                            reportBaseReplaced(
                                stage: stage, by: site, needing: need.text, base: current, requested: nil,
                                companionFix: fix)
                        } else if let torchSite = current.site {
                            let rule = companion == .torchvision ? RuleID.visionPair : RuleID.audioPair
                            add(
                                rule, .error,
                                "\(companion.rawValue) \(pinned.publicString) needs \(need.text), "
                                    + "so pip replaces torch "
                                    + "\(current.version.publicString) pinned at \(Self.at(torchSite))"
                                    + (fixVersion.map {
                                        "; torch \(current.version.baseString) pairs with \(companion.rawValue) \($0)"
                                    } ?? ""),
                                file: site.file, line: site.line,
                                fix: fixVersion.flatMap { FixBuilder.pin(site, to: $0, rule: rule) })
                        }
                        if case .exact(let version) = need {
                            torch = TorchState(version: version, verified: true, site: site, fromBase: false)
                        } else {
                            torch = nil
                        }
                    } else if pinned == nil, site.requirement.specifier.isEmpty, site.requirement.url == nil,
                        !current.fromBase, let torchSite = current.site,
                        PackageVersion.compare(
                            current.version, TorchReleases.lastKnownPatchRelease, ignoringLocal: true) < 0,
                        let match = companion.version(forTorch: current.version)
                    {
                        add(
                            RuleID.orderUnpinned, .warning,
                            "unpinned \(companion.rawValue) after torch \(current.version.publicString) (pinned at "
                                + "\(Self.at(torchSite))): pip picks the newest \(companion.rawValue), "
                                + "whose torch replaces "
                                + "the pin; torch \(current.version.baseString) pairs with "
                                + "\(companion.rawValue) \(match.baseString)",
                            file: site.file, line: site.line,
                            fix: FixBuilder.pin(site, to: match.baseString, rule: RuleID.orderUnpinned))
                    }
                }
            }
        }
    }

    /// torch and a companion pinned in one pip invocation that no torch release satisfies together.
    mutating func checkSameStep(_ step: InstallStep, torch: PackageVersion, torchSite: RequirementSite) {
        for companion in Companion.allCases {
            let rule = companion == .torchvision ? RuleID.visionPair : RuleID.audioPair
            let match = companion.version(forTorch: torch)
            for site in Self.sites(companion.rawValue, in: step, constraints: true) {
                let sameFile = site.file == torchSite.file ? "line \(torchSite.line)" : Self.at(torchSite)
                if let version = site.requirement.pinnedVersion {
                    guard let need = companion.need(ofVersion: version), !need.isMet(by: torch) else { continue }
                    add(
                        rule, .error,
                        "\(companion.rawValue) \(version.publicString) needs \(need.text), but torch "
                            + "\(torch.publicString) is pinned (\(sameFile)): pip fails with ResolutionImpossible"
                            + (match.map {
                                "; torch \(torch.baseString) pairs with \(companion.rawValue) \($0.baseString)"
                            } ?? ""),
                        file: site.file, line: site.line,
                        fix: match.flatMap {
                            FixBuilder.pin(site, to: pinText($0, like: version, torch: torch), rule: rule)
                        })
                } else if !site.requirement.specifier.isEmpty, let match, !site.requirement.specifier.contains(match) {
                    add(
                        rule, .error,
                        "`\(site.requirement.text)` excludes \(companion.rawValue) \(match.baseString), "
                            + "the only release "
                            + "built for torch \(torch.baseString) (pinned at \(sameFile)): "
                            + "pip fails with ResolutionImpossible",
                        file: site.file, line: site.line,
                        fix: FixBuilder.pin(site, to: match.baseString, rule: rule))
                }
            }
        }
    }

    /// torch given as a range and a companion pinned in the same pip call to a release whose torch the range
    /// excludes: pip cannot resolve them together.
    mutating func checkRangeStep(_ step: InstallStep, torchSite: RequirementSite) {
        let range = torchSite.requirement.specifier
        guard range.pinned == nil else { return }
        let best = TorchReleases.table.compactMap { PackageVersion($0.torch) }.filter { range.contains($0) }.max()
        for companion in Companion.allCases {
            let rule = companion == .torchvision ? RuleID.visionPair : RuleID.audioPair
            for site in Self.sites(companion.rawValue, in: step, constraints: true) {
                guard let version = site.requirement.pinnedVersion, let need = companion.need(ofVersion: version),
                    case .exact(let torch) = need, !range.contains(torch)
                else { continue }
                let match = best.flatMap { companion.version(forTorch: $0) }
                add(
                    rule, .error,
                    "\(companion.rawValue) \(version.publicString) needs \(need.text), which "
                        + "`\(torchSite.requirement.text)` (\(Self.at(torchSite))) excludes: pip fails with "
                        + "ResolutionImpossible"
                        + (match.map { m in
                            best.map { "; the newest torch it allows, \($0.baseString), pairs with \(m.baseString)" }
                                ?? ""
                        } ?? ""),
                    file: site.file, line: site.line,
                    fix: match.flatMap { FixBuilder.pin(site, to: $0.baseString, rule: rule) })
            }
        }
    }

    /// A companion installed in an earlier step, then torch pinned without it: the companion stays as it was.
    mutating func checkLeftBehind(
        _ companion: Companion, earlier: (site: RequirementSite, version: PackageVersion?), torch: PackageVersion,
        torchSite: RequirementSite
    ) {
        guard let match = companion.version(forTorch: torch) else { return }
        let site = earlier.site
        if let version = earlier.version {
            guard let need = companion.need(ofVersion: version), !need.isMet(by: torch) else { return }
            let rule = companion == .torchvision ? RuleID.visionPair : RuleID.audioPair
            add(
                rule, .error,
                "\(companion.rawValue) \(version.publicString) needs \(need.text), but a later step pins torch "
                    + "\(torch.publicString) (\(Self.at(torchSite))) and leaves them mismatched; torch "
                    + "\(torch.baseString) pairs with \(companion.rawValue) \(match.baseString)",
                file: site.file, line: site.line, fix: FixBuilder.pin(site, to: match.baseString, rule: rule))
        } else if site.requirement.specifier.isEmpty || !site.requirement.specifier.contains(match) {
            add(
                RuleID.orderUnpinned, .error,
                "\(companion.rawValue) is installed unpinned before torch \(torch.publicString) is pinned at "
                    + "\(Self.at(torchSite)): the \(companion.rawValue) resolved first is built for another torch and "
                    + "stays; torch \(torch.baseString) pairs with \(companion.rawValue) \(match.baseString)",
                file: site.file, line: site.line,
                fix: FixBuilder.pin(site, to: match.baseString, rule: RuleID.orderUnpinned))
        }
    }

    /// The companion version text for a fix, keeping a `+cuXYZ` local label when torch or the pin had one.
    func pinText(_ match: PackageVersion, like written: PackageVersion, torch: PackageVersion) -> String {
        if let local = written.local ?? torch.local, local.hasPrefix("cu") || local == "cpu" {
            return match.baseString + "+" + local
        }
        return match.baseString
    }

    /// Requirements that replace the base image's torch (NGC pre-releases get their own rule).
    mutating func reportBaseReplaced(
        stage: Stage, by site: RequirementSite, needing: String, base: TorchState, requested: PackageVersion?,
        companionFix: Fix? = nil
    ) {
        guard let image = stage.base else { return }
        if image.family == .ngc {
            let blocked = image.pipConstraint && !stage.unsetsPipConstraint
            let severity: Severity = blocked && base.verified ? .error : .warning
            add(
                RuleID.ngcPrerelease, severity,
                "the NGC image \(image.reference) ships torch \(base.version.description) "
                    + "(a pre-release, which PEP 440 "
                    + "orders before the final release), so `\(site.requirement.text)` (needs \(needing)) "
                    + "makes pip replace "
                    + "NVIDIA's build with PyPI's"
                    + (blocked
                        ? "; since 25.03 the image's PIP_CONSTRAINT (/etc/pip/constraint.txt) pins torch, so "
                            + "the install fails unless PIP_CONSTRAINT is unset" : "")
                    + (base.verified ? "" : " (the image's torch version is unverified)"),
                file: site.file, line: site.line)
            return
        }
        var fix = companionFix
        if fix == nil, let requested, image.family == .pytorch,
            let tag = PyTorchTags.tag(forTorch: requested, cuda: image.cuda, flavor: image.flavor)
        {
            fix = baseImageFix(stage: stage, to: "\(image.repository):\(tag)", rule: RuleID.torchReplaced)
        }
        add(
            RuleID.torchReplaced, .warning,
            "`\(site.requirement.text)` needs \(needing), so pip replaces the base image's torch "
                + "\(base.version.publicString) (\(image.reference)) with a PyPI build",
            file: site.file, line: site.line, fix: fix)
    }

    /// A fix replacing the image of `stage`'s FROM line (or its root stage's).
    func baseImageFix(stage: Stage, to image: String, rule: String) -> Fix? {
        var root = stage
        var guardCount = 0
        while let parent = root.parent, guardCount < 256 {
            root = stages[parent]
            guardCount += 1
        }
        return FixBuilder.substitute(
            root.imageWritten, with: image, lines: fileLines[dockerfile.path],
            file: dockerfile.path, line: root.fromLine, rule: rule, kind: .baseImage)
    }
}
