/// Where a fact comes from, so a finding can cite it and a reviewer can check it.
public struct KnowledgeSource: Sendable, Equatable {
    /// Short stable id used in `docs/analyzer.md` and SARIF rule properties.
    public var id: String
    /// The document, repository file or page.
    public var citation: String
}

/// The sources the knowledge tables rest on (see `reference/pytorch-compat.md`).
public enum Sources {
    /// pytorch.org "Previous PyTorch Versions" and the torchvision README table.
    public static let previousVersions = KnowledgeSource(
        id: "previous-versions",
        citation: "pytorch/pytorch.github.io _get_started/previous-versions.md; pytorch/vision README.md")
    /// torchaudio's installation compatibility matrix (2.11 docs).
    public static let torchaudioMatrix = KnowledgeSource(
        id: "torchaudio-matrix", citation: "docs.pytorch.org/audio/2.11.0/installation.html")
    /// pytorch/pytorch RELEASE.md "Release Compatibility Matrix" with the pip commands of previous-versions.
    public static let releaseMatrix = KnowledgeSource(
        id: "release-matrix", citation: "pytorch/pytorch RELEASE.md (Release Compatibility Matrix)")
    /// pytorch/pytorch docker.Makefile tag scheme.
    public static let dockerMakefile = KnowledgeSource(
        id: "docker-makefile", citation: "pytorch/pytorch docker.Makefile (DOCKER_TAG)")
    /// NVIDIA's PyTorch container release notes and the Jetson framework table.
    public static let ngcReleaseNotes = KnowledgeSource(
        id: "ngc-release-notes",
        citation: "docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes (rel-YY-MM); PyTorch for Jetson table")
    /// nvidia/cuda tag scheme.
    public static let cudaTags = KnowledgeSource(id: "nvidia-cuda-tags", citation: "nvidia/cuda image tags")
    /// PEP 440 ordering of pre-releases.
    public static let pep440 = KnowledgeSource(id: "pep-440", citation: "PEP 440, Version Identification")
    /// PEP 508 and pip's requirements file format.
    public static let pipFormat = KnowledgeSource(
        id: "pip-requirements-format", citation: "pip documentation, Requirements File Format; PEP 508")
    /// The Dockerfile reference.
    public static let dockerfileReference = KnowledgeSource(
        id: "dockerfile-reference", citation: "docs.docker.com/reference/dockerfile")
    /// POSIX shell redirection.
    public static let posixShell = KnowledgeSource(
        id: "posix-shell", citation: "POSIX Shell Command Language, 2.7 Redirection")
    /// FSDP2 public API.
    public static let fsdp2 = KnowledgeSource(
        id: "fsdp2-public-api", citation: "pytorch/pytorch#141868 (torch.distributed.fsdp.fully_shard, torch 2.6)")
    /// flash-attn release wheel names.
    public static let flashAttnWheels = KnowledgeSource(
        id: "flash-attn-wheels", citation: "Dao-AILab/flash-attention release assets (wheel file names)")
    /// transformers' huggingface-hub floors.
    public static let transformersHub = KnowledgeSource(
        id: "transformers-hub",
        citation: "openvino/openvino#30292 (4.51.3); pytorch/executorch#15398 (4.56.1)")
    /// Extension builds need nvcc of torch's CUDA major.
    public static let extensionBuilds = KnowledgeSource(
        id: "extension-builds",
        citation: "torch.utils.cpp_extension CUDA version check; reference/pytorch-compat.md 4.2")
}
