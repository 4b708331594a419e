extension RuleContext {
    /// torch versions that were never released (the table covers every patch of its minors).
    mutating func checkReleases(_ steps: [InstallStep]) {
        for step in steps {
            for site in Self.sites("torch", in: step, constraints: true) {
                guard let version = site.requirement.specifier.pinned, TorchReleases.coversMinor(of: version),
                    TorchReleases.release(version) == nil
                else { continue }
                let latest = TorchReleases.latestPatch(ofMinor: version)
                let suggestion = latest.map { row in version.local.map { "\(row.torch)+\($0)" } ?? row.torch }
                add(
                    RuleID.unknownRelease, .error,
                    "torch \(version.publicString) was never released"
                        + (latest.map { "; the newest \(version.minorKey) release is \($0.torch)" } ?? ""),
                    file: site.file, line: site.line,
                    fix: suggestion.flatMap { FixBuilder.pin(site, to: $0, rule: RuleID.unknownRelease) })
            }
        }
    }

    /// A torch pin on a CUDA index that has no build of it; a `+cuXYZ` the index or the release lacks.
    mutating func checkIndexes(_ steps: [InstallStep]) {
        for step in steps {
            for site in Self.sites("torch", in: step) {
                guard let version = site.requirement.specifier.pinned, let release = TorchReleases.release(version)
                else { continue }
                let list = release.cudaVariants.joined(separator: ", ")
                if let local = version.local, local.hasPrefix("cu"), !release.cudaVariants.contains(local) {
                    add(
                        RuleID.localVariant, .error,
                        "torch \(release.torch) has no \(local) build (its CUDA builds: \(list))",
                        file: site.file, line: site.line)
                    continue
                }
                let primary = step.indexURL
                let primaryVariant = primary.flatMap { WheelFacts.indexVariant($0.url) }
                let fallbacks = !step.extraIndexURLs.isEmpty || !step.findLinks.isEmpty
                if let primary, let variant = primaryVariant, variant != "cpu" {
                    if let local = version.local, local.hasPrefix("cu"), local != variant, !fallbacks {
                        let fix = FixBuilder.pin(
                            site, to: "\(version.baseString)+\(variant)", rule: RuleID.localVariant)
                        add(
                            RuleID.localVariant, .error,
                            "torch==\(version.description) asks for \(local), but the only index is \(variant) "
                                + "(\(primary.file):\(primary.line)): pip finds no matching distribution",
                            file: site.file, line: site.line,
                            fix: release.cudaVariants.contains(variant) ? fix : nil)
                        continue
                    }
                    guard version.local == nil, !release.cudaVariants.contains(variant) else { continue }
                    let cuda = TorchReleases.cudaVersion(ofVariant: variant)
                    let nearest = TorchReleases.nearestVariant(in: release, to: cuda)
                    let fix = nearest.flatMap {
                        FixBuilder.substitute(
                            "/" + variant, with: "/" + $0, lines: fileLines[primary.file],
                            file: primary.file, line: primary.line, rule: RuleID.indexMissingBuild,
                            kind: .pin)
                    }
                    add(
                        RuleID.indexMissingBuild, fallbacks ? .warning : .error,
                        "torch \(release.torch) has no \(variant) build (its CUDA builds: \(list)); "
                            + (fallbacks
                                ? "pip silently falls back to another index's build"
                                : "with --index-url \(variant) pip finds no matching distribution"),
                        file: site.file, line: site.line, fix: fix)
                } else if primaryVariant == nil {
                    for extra in step.extraIndexURLs {
                        guard let variant = WheelFacts.indexVariant(extra.url), variant != "cpu", version.local == nil,
                            !release.cudaVariants.contains(variant)
                        else { continue }
                        let nearest = TorchReleases.nearestVariant(
                            in: release, to: TorchReleases.cudaVersion(ofVariant: variant))
                        add(
                            RuleID.indexMissingBuild, .warning,
                            "torch \(release.torch) has no \(variant) build (its CUDA builds: \(list)); with "
                                + "--extra-index-url pip silently installs PyPI's default build instead",
                            file: site.file, line: site.line,
                            fix: nearest.flatMap {
                                FixBuilder.substitute(
                                    "/" + variant, with: "/" + $0, lines: fileLines[extra.file],
                                    file: extra.file, line: extra.line, rule: RuleID.indexMissingBuild,
                                    kind: .pin)
                            })
                    }
                }
            }
        }
    }

    /// `+cuXYZ` labels of torch and its companions that disagree.
    mutating func checkLocalVariants(_ steps: [InstallStep]) {
        var torchLocal: (String, RequirementSite)?
        for step in steps {
            if let site = Self.sites("torch", in: step).last, let local = site.requirement.pinnedVersion?.local,
                local.hasPrefix("cu") || local == "cpu"
            {
                torchLocal = (local, site)
            }
        }
        guard let (local, torchSite) = torchLocal else { return }
        for step in steps {
            for companion in Companion.allCases {
                for site in Self.sites(companion.rawValue, in: step) {
                    guard let version = site.requirement.pinnedVersion, let other = version.local,
                        other.hasPrefix("cu") || other == "cpu", other != local
                    else { continue }
                    add(
                        RuleID.localVariant, .error,
                        "\(companion.rawValue)==\(version.description) is the \(other) build but torch is \(local) "
                            + "(\(Self.at(torchSite))): the two must come from the same CUDA variant",
                        file: site.file, line: site.line,
                        fix: FixBuilder.pin(site, to: "\(version.publicString)+\(local)", rule: RuleID.localVariant))
                }
            }
        }
    }

    /// Extension builds whose nvcc major differs from torch's CUDA major, or images without nvcc.
    mutating func checkExtensions(stage: Stage, steps: [InstallStep]) {
        guard let image = stage.base else { return }
        for (index, step) in steps.enumerated() where step.buildsExtension {
            let torch = torchCuda(before: index, in: steps, image: image)
            if image.hasNvcc == false && !stage.installsNvcc {
                add(
                    RuleID.extensionNvcc, .warning,
                    "this step compiles a CUDA extension, but \(image.reference) is a "
                        + "\(image.flavor ?? "runtime") image "
                        + "without nvcc; unless a prebuilt wheel matches, the build fails (use a -devel image)",
                    file: dockerfile.path, line: step.line)
                continue
            }
            guard image.hasNvcc == true, let nvcc = image.cuda.flatMap(PackageVersion.init), let torch,
                let torchCuda = PackageVersion(torch.cuda), nvcc.major != torchCuda.major
            else { continue }
            let verified = image.cudaVerified && torch.verified
            add(
                RuleID.extensionNvcc, verified ? .error : .warning,
                "this step compiles a CUDA extension with the image's nvcc (CUDA \(nvcc.minorKey)) against torch built "
                    + "for CUDA \(torchCuda.minorKey) (\(torch.origin)); torch.utils.cpp_extension refuses a different "
                    + "CUDA major" + (verified ? "" : " (unverified: \(torch.origin))"),
                file: dockerfile.path, line: step.line)
        }
    }

    /// torch's CUDA at step `index`: the last torch pin before it (local label, index, PyPI default), else the image's.
    func torchCuda(before index: Int, in steps: [InstallStep], image: BaseImage) -> (
        cuda: String, verified: Bool, origin: String
    )? {
        for step in steps[...index].reversed() {
            guard let site = Self.sites("torch", in: step).last else { continue }
            guard let version = site.requirement.pinnedVersion else { return nil }
            if let local = version.local, let cuda = TorchReleases.cudaVersion(ofVariant: local) {
                return (cuda, true, "torch==\(version.description) at \(Self.at(site))")
            }
            if let variant = step.indexURL.flatMap({ WheelFacts.indexVariant($0.url) }),
                let cuda = TorchReleases.cudaVersion(ofVariant: variant)
            {
                return (cuda, true, "torch from the \(variant) index at \(Self.at(site))")
            }
            if let release = TorchReleases.release(version), let cuda = release.defaultCuda {
                return (cuda, release.defaultCudaVerified, "PyPI's default torch \(release.torch) build")
            }
            return nil
        }
        if let cuda = image.cuda, image.torch != nil {
            return (cuda, image.cudaVerified, "the torch of \(image.reference)")
        }
        return nil
    }
}
