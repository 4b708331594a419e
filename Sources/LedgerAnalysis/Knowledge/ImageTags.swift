import Foundation

/// NGC `nvcr.io/nvidia/pytorch:YY.MM-py3` (``Sources/ngcReleaseNotes``): NVIDIA pre-release torch builds.
enum NGCTags {
    /// tag -> (torch, torch verified, CUDA, CUDA verified).
    static let table: [String: (torch: String, torchVerified: Bool, cuda: String, cudaVerified: Bool)] = [
        "22.07": ("1.13.0a0+08820cb", true, "11.7", false),
        "22.12": ("1.14.0a0+410ce96", false, "11.8", true),
        "23.08": ("2.1.0a0", false, "12.2", true),
        "23.11": ("2.2.0a0+6a974bec", true, "12.3", false),
        "23.12": ("2.2.0a0+81ea7a4", true, "12.3", false),
        "24.01": ("2.2.0a0+81ea7a4", true, "12.3", false),
        "24.02": ("2.3.0a0+ebedce2", true, "12.3", false),
        "24.03": ("2.3.0a0+40ec155e58", true, "12.4", false),
        "24.04": ("2.3.0a0+6ddf5cf85e", true, "12.4", false),
        "24.05": ("2.4.0a0+07cecf4168", true, "12.4", false),
        "24.06": ("2.4.0a0+f70bd71a48", true, "12.5", false),
        "24.07": ("2.4.0a0+3bcc3cddb5", true, "12.5", false),
        "24.08": ("2.5.0a0+872d972e41", true, "12.6", false),
        "24.09": ("2.5.0a0+b465a5843b", true, "12.6", false),
        "24.10": ("2.5.0a0+e000cf0ad9", true, "12.6", false),
        "24.11": ("2.6.0a0+df5bbc0", true, "12.6", false),
        "24.12": ("2.6.0a0+df5bbc09d1", true, "12.6", false),
        "25.01": ("2.6.0a0+ecf3bae40a", true, "12.8", false),
        "25.02": ("2.7.0a0+6c54963f75", true, "12.8", false),
        "25.03": ("2.7.0a0+7c8ec84dab", true, "12.8", true),
        "25.04": ("2.7.0a0+79aa17489c", true, "12.9", false),
        "25.05": ("2.8.0a0+5228986c39", true, "12.9", true),
        "25.06": ("2.8.0a0+5228986c39", true, "12.9", true),
        "25.12": ("2.10.0a0+b4e4ee81d3", true, "13.1", true),
    ]

    static func describe(_ tag: String, into image: inout BaseImage) {
        let key = String(tag.prefix(5))
        image.flavor = "devel"
        image.hasNvcc = true
        if let year = Int(tag.prefix(2)), let month = Int(tag.dropFirst(3).prefix(2)) {
            // > "Starting with the 25.03 release, the container sets PIP_CONSTRAINT=/etc/pip/constraint.txt"
            image.pipConstraint = year * 100 + month >= 2503
        }
        guard let row = table[key] else { return }
        image.torch = PackageVersion(row.torch)
        image.torchVerified = row.torchVerified
        image.cuda = row.cuda
        image.cudaVerified = row.cudaVerified
    }

    /// A tag that cannot exist: a month outside 01–12.
    static func problem(with image: BaseImage) -> TagProblem? {
        guard let tag = image.tag, tag.range(of: #"^\d\d\.\d\d"#, options: .regularExpression) != nil,
            let month = Int(tag.dropFirst(3).prefix(2))
        else { return nil }
        if month < 1 || month > 12 {
            return TagProblem(
                reason: "NGC tags are YY.MM releases; month \(month) cannot exist", replacement: nil,
                verified: true)
        }
        if !tag.dropFirst(5).hasPrefix("-py3") {
            return TagProblem(
                reason: "NGC PyTorch tags end in `-py3` (`\(tag.prefix(5))-py3`)",
                replacement: "\(image.repository):\(tag.prefix(5))-py3", verified: false)
        }
        return nil
    }
}

/// `nvidia/cuda:<M.m.p>-[cudnn[N]-]{base|runtime|devel}-<os><ver>` and AWS DLC tags (``Sources/cudaTags``).
enum CudaTags {
    static let pattern = #"^(\d+)\.(\d+)\.(\d+)-(cudnn\d*-)?(base|runtime|devel)-[a-z]+\d+(\.\d+)*$"#

    static func describe(_ tag: String, into image: inout BaseImage) {
        let parts = tag.split(separator: "-")
        guard let first = parts.first, let version = PackageVersion(String(first)) else { return }
        image.cuda = version.minorKey
        image.cudaVerified = true
        for part in parts.dropFirst() {
            if part.hasPrefix("cudnn") { image.cudnn = Int(part.dropFirst(5)) }
            if ["base", "runtime", "devel"].contains(part) { image.flavor = String(part) }
        }
        image.hasNvcc = image.flavor.map { $0 == "devel" }
    }

    /// A version-like tag that does not follow the scheme (unverified: old tags followed other forms).
    static func problem(with image: BaseImage) -> TagProblem? {
        guard let tag = image.tag, tag.first?.isNumber == true,
            tag.range(of: pattern, options: .regularExpression) == nil
        else { return nil }
        return TagProblem(
            reason: "`\(tag)` does not follow the nvidia/cuda scheme `<M.m.p>-[cudnn-]{base|runtime|devel}-<os><ver>`",
            replacement: nil, verified: false)
    }

    /// `<torch>-gpu-py<NN>-cu<NNN>-<os>-ec2`.
    static func describeDLC(_ tag: String, into image: inout BaseImage) {
        let parts = tag.split(separator: "-")
        guard let first = parts.first, let torch = PackageVersion(String(first)) else { return }
        image.torch = torch
        image.torchVerified = true
        for part in parts where part.hasPrefix("cu") {
            if let cuda = TorchReleases.cudaVersion(ofVariant: String(part)) {
                image.cuda = cuda
                image.cudaVerified = true
            }
        }
    }
}

/// CUDA and torch facts in wheel file names and index URLs.
enum WheelFacts {
    /// The CUDA variant of a PyTorch index URL (`…/whl/cu124` -> `cu124`, `…/whl/cpu` -> `cpu`); nil otherwise.
    static func indexVariant(_ url: String) -> String? {
        let lower = url.lowercased()
        guard lower.contains("/whl/"), !lower.contains("/nightly"), !lower.contains("/test/") else { return nil }
        let parts = lower.split(separator: "/")
        guard let whl = parts.firstIndex(of: "whl"), whl + 1 < parts.count else { return nil }
        let variant = String(parts[whl + 1])
        if variant == "cpu" || (variant.hasPrefix("cu") && TorchReleases.cudaVersion(ofVariant: variant) != nil) {
            return variant
        }
        return nil
    }

    /// The torch minor a wheel's local label or URL was built for (`+cu12torch2.6cxx11abiFALSE`, `/torch2.6/`).
    static func builtForTorch(_ text: String) -> String? {
        guard let range = text.range(of: #"torch\d+\.\d+"#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst(5))
    }

    /// The CUDA major a flash-attn style local label names (`cu12torch2.6…` -> 12).
    static func cudaMajor(inLocal text: String) -> Int? {
        guard let range = text.range(of: #"cu\d+"#, options: .regularExpression) else { return nil }
        let digits = text[range].dropFirst(2)
        if digits.count <= 2 { return Int(digits) }
        return Int(digits.dropLast())
    }
}

/// transformers' huggingface-hub floors (``Sources/transformersHub``).
enum HubFloors {
    /// transformers version -> required huggingface-hub range.
    static let table: [(transformers: String, floor: String, below: String)] = [
        ("4.51.3", "0.30.0", "1.0"),
        ("4.56.1", "0.34.0", "1.0"),
    ]
}
