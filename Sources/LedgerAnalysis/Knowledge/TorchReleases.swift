/// One torch release and what goes with it.
struct TorchRelease: Sendable {
    /// torch version (`2.5.1`).
    var torch: String
    /// Matching torchvision (`0.20.1`).
    var vision: String
    /// Matching torchaudio (`2.5.1`).
    var audio: String
    /// CUDA wheel variants on the PyTorch index (`cu118`, `cu121`, `cu124`).
    var cudaVariants: [String]
    /// The CUDA of the plain PyPI wheel; `defaultCudaVerified` says whether a source states it.
    var defaultCuda: String?
    var defaultCudaVerified: Bool
}

/// torch ↔ torchvision ↔ torchaudio pairs and CUDA variants, as data.
///
/// Pairs: ``Sources/previousVersions``; CUDA variants: ``Sources/releaseMatrix`` ("pip index variants
/// actually listed"); default PyPI CUDA for 2.1+ is unverified memory and only ever warns.
enum TorchReleases {
    static let table: [TorchRelease] = {
        var rows: [TorchRelease] = []
        func add(_ torch: [String], _ vision: [String], _ audio: [String], _ cuda: [String], _ def: String?, _ ok: Bool)
        {
            for (index, version) in torch.enumerated() {
                rows.append(
                    TorchRelease(
                        torch: version, vision: vision[index], audio: audio[index], cudaVariants: cuda,
                        defaultCuda: def, defaultCudaVerified: ok))
            }
        }
        add(
            ["1.12.0", "1.12.1"], ["0.13.0", "0.13.1"], ["0.12.0", "0.12.1"], ["cu102", "cu113", "cu116"], nil, false)
        add(["1.13.0", "1.13.1"], ["0.14.0", "0.14.1"], ["0.13.0", "0.13.1"], ["cu116", "cu117"], "11.7", true)
        add(["2.0.0", "2.0.1"], ["0.15.1", "0.15.2"], ["2.0.1", "2.0.2"], ["cu117", "cu118"], "11.7", true)
        add(
            ["2.1.0", "2.1.1", "2.1.2"], ["0.16.0", "0.16.1", "0.16.2"], ["2.1.0", "2.1.1", "2.1.2"],
            ["cu118", "cu121"], "12.1", false)
        add(
            ["2.2.0", "2.2.1", "2.2.2"], ["0.17.0", "0.17.1", "0.17.2"], ["2.2.0", "2.2.1", "2.2.2"],
            ["cu118", "cu121"], "12.1", false)
        add(["2.3.0", "2.3.1"], ["0.18.0", "0.18.1"], ["2.3.0", "2.3.1"], ["cu118", "cu121"], "12.1", false)
        add(
            ["2.4.0", "2.4.1"], ["0.19.0", "0.19.1"], ["2.4.0", "2.4.1"], ["cu118", "cu121", "cu124"], "12.1", false)
        add(
            ["2.5.0", "2.5.1"], ["0.20.0", "0.20.1"], ["2.5.0", "2.5.1"], ["cu118", "cu121", "cu124"], "12.4", false)
        add(["2.6.0"], ["0.21.0"], ["2.6.0"], ["cu118", "cu124", "cu126"], "12.4", false)
        add(
            ["2.7.0", "2.7.1"], ["0.22.0", "0.22.1"], ["2.7.0", "2.7.1"], ["cu118", "cu126", "cu128"], "12.6", false)
        add(["2.8.0"], ["0.23.0"], ["2.8.0"], ["cu126", "cu128", "cu129"], "12.8", false)
        add(
            ["2.9.0", "2.9.1"], ["0.24.0", "0.24.1"], ["2.9.0", "2.9.1"], ["cu126", "cu128", "cu130"], "12.8", false)
        add(["2.10.0"], ["0.25.0"], ["2.10.0"], ["cu126", "cu128", "cu130"], nil, false)
        return rows
    }()

    static let byVersion: [String: TorchRelease] = Dictionary(
        table.map { ($0.torch, $0) }, uniquingKeysWith: { a, _ in a })

    /// Minor releases known only by minor (2.11–2.13): torchvision minor, patch unknown.
    static let minorOnly: [String: String] = ["2.11": "0.26", "2.12": "0.27", "2.13": "0.28"]

    /// The highest torch version whose patches are all known.
    static let lastKnownPatchRelease = PackageVersion(release: 2, 10, 0)

    /// The oldest torch the table covers.
    static let firstKnownRelease = PackageVersion(release: 1, 12, 0)

    /// The release row of `torch` (release segment only: `2.5.1+cu124` and `2.5.1` are the same row).
    static func release(_ torch: PackageVersion) -> TorchRelease? {
        byVersion[torch.baseString]
    }

    /// Whether the table covers every patch release of `torch`'s minor (so a missing patch never existed).
    static func coversMinor(of torch: PackageVersion) -> Bool {
        torch >= firstKnownRelease && PackageVersion.compare(torch, lastKnownPatchRelease, ignoringLocal: true) <= 0
            && !(torch.major == 2 && torch.minor == 10 && torch.micro > 0)
    }

    /// The newest known release of the same minor (`2.5.3` -> `2.5.1`).
    static func latestPatch(ofMinor torch: PackageVersion) -> TorchRelease? {
        table.last { $0.torch.hasPrefix("\(torch.major).\(torch.minor).") }
    }

    /// The torch release whose torchvision is `vision`.
    static func torch(forVision vision: PackageVersion) -> TorchRelease? {
        table.first { $0.vision == vision.baseString }
    }

    /// The torch release whose torchaudio is `audio` (only up to 2.10, where pairs are exact).
    static func torch(forAudio audio: PackageVersion) -> TorchRelease? {
        table.first { $0.audio == audio.baseString }
    }

    /// `cu124` -> `12.4`; `cu102` -> `10.2`.
    static func cudaVersion(ofVariant variant: String) -> String? {
        guard variant.hasPrefix("cu"), variant.count >= 5 else { return nil }
        let digits = variant.dropFirst(2)
        guard digits.allSatisfy(\.isNumber) else { return nil }
        return "\(digits.dropLast()).\(digits.suffix(1))"
    }

    /// `12.4` -> `cu124`.
    static func variant(ofCuda cuda: String) -> String {
        "cu" + cuda.split(separator: ".").prefix(2).joined()
    }

    /// The variant of `release` nearest to `cuda` (same major first, then the closest minor).
    static func nearestVariant(in release: TorchRelease, to cuda: String?) -> String? {
        guard let cuda, let wanted = PackageVersion(cuda) else { return release.cudaVariants.last }
        let scored = release.cudaVariants.compactMap { variant -> (String, Int)? in
            guard let version = cudaVersion(ofVariant: variant).flatMap(PackageVersion.init) else { return nil }
            let penalty =
                (version.major == wanted.major ? 0 : 1000) + abs(version.minor - wanted.minor) * 2
                + (version.minor < wanted.minor ? 1 : 0)
            return (variant, penalty)
        }
        return scored.min { $0.1 < $1.1 }?.0
    }
}
