/// What a companion package (torchvision, torchaudio) needs of torch.
enum TorchNeed: Sendable, Equatable {
    /// Exactly this torch release (torchvision; torchaudio before 2.11).
    case exact(PackageVersion)
    /// Any torch of this `major.minor` (torchvision 0.26–0.28, patch unknown).
    case minor(String)
    /// This torch minor or later (torchaudio 2.11+, built on the stable ABI).
    case atLeast(PackageVersion)

    /// Whether `torch` meets the need (release segments only; NGC `2.5.0a0` counts as 2.5.0).
    func isMet(by torch: PackageVersion) -> Bool {
        switch self {
        case .exact(let version): return torch.baseString == version.baseString
        case .minor(let key): return torch.minorKey == key
        case .atLeast(let version):
            return torch.major > version.major
                || (torch.major == version.major && torch.minor >= version.minor)
        }
    }

    /// Words for a message: `torch==2.6.0`, `torch 2.11.*`, `torch>=2.11`.
    var text: String {
        switch self {
        case .exact(let version): return "torch==\(version.baseString)"
        case .minor(let key): return "torch \(key).*"
        case .atLeast(let version): return "torch>=\(version.minorKey)"
        }
    }
}

/// The torch companions and their pairing facts (``Sources/previousVersions``, ``Sources/torchaudioMatrix``).
enum Companion: String, CaseIterable, Sendable {
    case torchvision, torchaudio

    /// What this companion at `version` needs of torch; nil when the knowledge has no row.
    func need(ofVersion version: PackageVersion) -> TorchNeed? {
        switch self {
        case .torchvision:
            if let release = TorchReleases.torch(forVision: version), let torch = PackageVersion(release.torch) {
                return .exact(torch)
            }
            if let torchMinor = TorchReleases.minorOnly.first(where: { $0.value == version.minorKey })?.key {
                return .minor(torchMinor)
            }
            return nil
        case .torchaudio:
            // > "TorchAudio 2.11 is built against PyTorch's stable ABI and therefore supports PyTorch 2.11 and
            // > all later versions." (torchaudio installation docs)
            if version.major > 2 || (version.major == 2 && version.minor >= 11) { return .atLeast(version) }
            if let release = TorchReleases.torch(forAudio: version), let torch = PackageVersion(release.torch) {
                return .exact(torch)
            }
            return nil
        }
    }

    /// The companion version that matches `torch`; nil when unknown.
    func version(forTorch torch: PackageVersion) -> PackageVersion? {
        guard let release = TorchReleases.release(torch) else {
            if self == .torchaudio, torch.major == 2, torch.minor >= 11 { return PackageVersion("2.11.0") }
            return nil
        }
        return PackageVersion(self == .torchvision ? release.vision : release.audio)
    }

    /// The source of the pairing fact.
    var source: KnowledgeSource { self == .torchvision ? Sources.previousVersions : Sources.torchaudioMatrix }
}

/// Compatibility facts for other targets (the tester's environment probe, the builder's log fixes).
public enum Compatibility {
    /// Environment verdict for installed versions: "ok", "mismatch" with a reason naming the pin to change,
    /// or "unknown" when a fact is missing.
    public static func verdict(
        torch: String?, torchvision: String?, torchaudio: String?, torchCuda: String?, visionCuda: String?,
        audioCuda: String?
    ) -> (verdict: String, reason: String) {
        guard let torchText = torch, let torchVersion = PackageVersion(torchText) else {
            return ("unknown", "torch is not installed or reports no version")
        }
        var unknown: [String] = []
        for (companion, installed, cuda) in [
            (Companion.torchvision, torchvision, visionCuda), (Companion.torchaudio, torchaudio, audioCuda),
        ] {
            guard let installed else { continue }
            guard let version = PackageVersion(installed) else {
                unknown.append("\(companion.rawValue) reports version `\(installed)`")
                continue
            }
            guard let need = companion.need(ofVersion: version) else {
                unknown.append("no pairing fact for \(companion.rawValue) \(version.publicString)")
                continue
            }
            if !need.isMet(by: torchVersion) {
                let pin =
                    companion.version(forTorch: torchVersion).map { "pin \(companion.rawValue)==\($0.baseString)" }
                    ?? "pin \(companion.rawValue) to the release of torch \(torchVersion.minorKey)"
                return (
                    "mismatch",
                    "\(companion.rawValue) \(version.publicString) needs \(need.text) but torch is "
                        + "\(torchVersion.publicString): \(pin)"
                )
            }
            if let torchCuda, let cuda, let a = PackageVersion(torchCuda), let b = PackageVersion(cuda),
                a.major != b.major
            {
                return (
                    "mismatch",
                    "\(companion.rawValue) was built with CUDA \(cuda) but torch with CUDA \(torchCuda): "
                        + "pin \(companion.rawValue) from the torch's CUDA \(a.minorKey) index"
                )
            }
        }
        if !unknown.isEmpty { return ("unknown", unknown.joined(separator: "; ")) }
        return (
            "ok",
            "torch \(torchVersion.publicString)" + (torchvision.map { ", torchvision \($0)" } ?? "")
                + (torchaudio.map { ", torchaudio \($0)" } ?? "") + " are a matching set"
        )
    }

    /// The torchvision/torchaudio versions that match a torch version (`2.5.1` -> (`0.20.1`, `2.5.1`)).
    public static func companions(ofTorch version: String) -> (torchvision: String?, torchaudio: String?) {
        guard let torch = PackageVersion(version) else { return (nil, nil) }
        return (
            Companion.torchvision.version(forTorch: torch)?.baseString,
            Companion.torchaudio.version(forTorch: torch)?.baseString
        )
    }

    /// The CUDA builds of a torch release on the PyTorch index (`["cu118", "cu121", "cu124"]`), empty when unknown.
    public static func cudaVariants(ofTorch version: String) -> [String] {
        PackageVersion(version).flatMap(TorchReleases.release)?.cudaVariants ?? []
    }
}
