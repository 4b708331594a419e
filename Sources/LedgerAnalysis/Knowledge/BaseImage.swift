import Foundation

/// What an image reference tells about the torch, CUDA and toolchain inside it.
public struct BaseImage: Sendable, Equatable {
    /// The family whose tag scheme the reference follows.
    public enum Family: String, Sendable {
        case pytorch, ngc, cuda, awsDLC = "aws_dlc", ncclTests = "nccl_tests", other
    }

    /// The reference as resolved (`pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime`).
    public var reference: String
    /// Repository without the tag (`pytorch/pytorch`).
    public var repository: String
    /// The tag, if any.
    public var tag: String?
    /// The digest after `@`, if any.
    public var digest: String?
    /// The tag scheme the reference follows.
    public var family: Family = .other
    /// The preinstalled torch, and whether a source states it.
    public var torch: PackageVersion?
    /// Whether a source states the torch version.
    public var torchVerified = false
    /// The image's CUDA toolkit (`12.4`), and whether a source states it.
    public var cuda: String?
    /// Whether a source states the CUDA version.
    public var cudaVerified = false
    /// cuDNN major in the tag.
    public var cudnn: Int?
    /// `runtime`, `devel` or `base`.
    public var flavor: String?
    /// Whether the image carries nvcc (nil when unknown).
    public var hasNvcc: Bool?
    /// NGC 25.03+ sets `PIP_CONSTRAINT=/etc/pip/constraint.txt`.
    public var pipConstraint = false

    /// Parses a reference (`[registry/]repo[:tag][@digest]`).
    public static func parse(_ reference: String) -> BaseImage {
        var rest = reference
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = String(rest[rest.startIndex..<at])
        }
        var repository = rest
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[rest.index(after: colon)...].contains("/") {
            repository = String(rest[rest.startIndex..<colon])
            tag = String(rest[rest.index(after: colon)...])
        }
        var image = BaseImage(reference: reference, repository: repository, tag: tag, digest: digest)
        let repo = repository.lowercased()
        guard let tag else { return image }
        if repo == "pytorch/pytorch" || repo == "docker.io/pytorch/pytorch" {
            image.family = .pytorch
            PyTorchTags.describe(tag, into: &image)
        } else if repo.hasSuffix("nvidia/pytorch") {
            image.family = .ngc
            NGCTags.describe(tag, into: &image)
        } else if repo == "nvidia/cuda" || repo.hasSuffix("/nvidia/cuda") {
            image.family = .cuda
            CudaTags.describe(tag, into: &image)
        } else if repo.hasSuffix("/pytorch-training") || repo.hasSuffix("/pytorch-inference") {
            image.family = .awsDLC
            CudaTags.describeDLC(tag, into: &image)
        } else if repo.hasSuffix("nccl-tests") {
            image.family = .ncclTests
            if let range = tag.range(of: #"cuda(\d+\.\d+)"#, options: .regularExpression) {
                image.cuda = String(tag[range].dropFirst(4))
                image.cudaVerified = true
            }
        }
        return image
    }

    /// Whether the tag is missing or `latest` (a floating reference).
    public var isFloating: Bool { digest == nil && (tag == nil || tag == "latest") }
}

/// A base-image tag that cannot exist, with the nearest one that does.
struct TagProblem: Sendable {
    var reason: String
    var replacement: String?
    var verified: Bool
}

/// `pytorch/pytorch:<X.Y.Z>-cuda<M.m>-cudnn<N>-{runtime|devel}` (``Sources/dockerMakefile``).
enum PyTorchTags {
    static let pattern = #"^(\d+)\.(\d+)(\.(\d+))?-cuda(\d+\.\d+)(-cudnn(\d+))?-(runtime|devel)$"#

    static func describe(_ tag: String, into image: inout BaseImage) {
        let parts = tag.split(separator: "-")
        guard let first = parts.first, let torch = PackageVersion(String(first)), first.contains(".") else { return }
        image.torch = torch
        image.torchVerified = true
        for part in parts.dropFirst() {
            if part.hasPrefix("cuda") { image.cuda = String(part.dropFirst(4)); image.cudaVerified = true }
            if part.hasPrefix("cudnn") { image.cudnn = Int(part.dropFirst(5)) }
            if part == "runtime" || part == "devel" { image.flavor = String(part) }
        }
        image.hasNvcc = image.flavor.map { $0 == "devel" && image.cuda != nil }
    }

    /// The cuDNN major the scheme uses for `torch`: 8 up to 2.3, 9 from 2.4.
    static func cudnnMajor(for torch: PackageVersion) -> Int { torch < PackageVersion(release: 2, 4, 0) ? 8 : 9 }

    /// Why the tag cannot exist, and the nearest tag that does (keeping torch, flavor and CUDA major).
    static func problem(with image: BaseImage) -> TagProblem? {
        guard let tag = image.tag, tag.range(of: pattern, options: .regularExpression) != nil,
            let torch = image.torch, let cuda = image.cuda
        else { return nil }
        let flavor = image.flavor ?? "runtime"
        let hasPatch = tag.split(separator: "-")[0].split(separator: ".").count == 3
        let knownMinor = TorchReleases.coversMinor(of: torch)
        guard knownMinor || !hasPatch else { return nil }
        let release = hasPatch ? TorchReleases.release(torch) : nil
        let target = release ?? TorchReleases.latestPatch(ofMinor: torch)
        func suggestion() -> String? {
            guard let target, let version = PackageVersion(target.torch),
                let variant = target.cudaVariants.contains(TorchReleases.variant(ofCuda: cuda))
                    ? TorchReleases.variant(ofCuda: cuda) : TorchReleases.nearestVariant(in: target, to: cuda),
                let cudaText = TorchReleases.cudaVersion(ofVariant: variant)
            else { return nil }
            return "\(image.repository):\(target.torch)-cuda\(cudaText)-cudnn\(cudnnMajor(for: version))-\(flavor)"
        }
        if !hasPatch {
            return TagProblem(
                reason: "`\(tag)` has no patch version; pytorch/pytorch tags use the full X.Y.Z",
                replacement: suggestion(), verified: true)
        }
        guard let release else {
            return TagProblem(
                reason: "torch \(torch.baseString) was never released, so `\(tag)` cannot exist",
                replacement: suggestion(), verified: true)
        }
        let variant = TorchReleases.variant(ofCuda: cuda)
        if !release.cudaVariants.contains(variant) {
            let list = release.cudaVariants.compactMap(TorchReleases.cudaVersion(ofVariant:)).joined(separator: ", ")
            return TagProblem(
                reason:
                    "torch \(release.torch) has no CUDA \(cuda) build (its builds: \(list)), so `\(tag)` cannot exist",
                replacement: suggestion(), verified: true)
        }
        let expected = cudnnMajor(for: torch)
        guard let cudnn = image.cudnn else {
            return TagProblem(
                reason: "pytorch/pytorch CUDA tags name cuDNN (`-cudnn\(expected)-`), so `\(tag)` cannot exist",
                replacement: suggestion(), verified: true)
        }
        if cudnn != expected {
            return TagProblem(
                reason: "torch \(release.torch) images use cuDNN \(expected), not \(cudnn), so `\(tag)` cannot exist",
                replacement: suggestion(), verified: true)
        }
        return nil
    }

    /// A tag for `torch` nearest to `cuda` in `repository` (for a base-image fix keeping the requested torch).
    static func tag(forTorch torch: PackageVersion, cuda: String?, flavor: String?) -> String? {
        guard let release = TorchReleases.release(torch), let version = PackageVersion(release.torch),
            let variant = TorchReleases.nearestVariant(in: release, to: cuda),
            let cudaText = TorchReleases.cudaVersion(ofVariant: variant)
        else { return nil }
        return "\(release.torch)-cuda\(cudaText)-cudnn\(cudnnMajor(for: version))-\(flavor ?? "runtime")"
    }
}
