/// Stable rule ids. Never rename one: CI scripts and SARIF consumers key on them.
public enum RuleID {
    /// `syntax.merge-conflict` (see ``RuleCatalog``).
    public static let mergeConflict = "syntax.merge-conflict"
    /// `syntax.requirement` (see ``RuleCatalog``).
    public static let requirementSyntax = "syntax.requirement"
    /// `syntax.dockerfile` (see ``RuleCatalog``).
    public static let dockerfileSyntax = "syntax.dockerfile"
    /// `input.requirements-missing` (see ``RuleCatalog``).
    public static let requirementsMissing = "input.requirements-missing"
    /// `pair.torchvision` (see ``RuleCatalog``).
    public static let visionPair = "pair.torchvision"
    /// `pair.torchaudio` (see ``RuleCatalog``).
    public static let audioPair = "pair.torchaudio"
    /// `torch.unknown-release` (see ``RuleCatalog``).
    public static let unknownRelease = "torch.unknown-release"
    /// `cuda.index-missing-build` (see ``RuleCatalog``).
    public static let indexMissingBuild = "cuda.index-missing-build"
    /// `cuda.local-variant` (see ``RuleCatalog``).
    public static let localVariant = "cuda.local-variant"
    /// `cuda.extension-nvcc` (see ``RuleCatalog``).
    public static let extensionNvcc = "cuda.extension-nvcc"
    /// `image.tag-invalid` (see ``RuleCatalog``).
    public static let impossibleTag = "image.tag-invalid"
    /// `image.torch-replaced` (see ``RuleCatalog``).
    public static let torchReplaced = "image.torch-replaced"
    /// `ngc.prerelease-replaced` (see ``RuleCatalog``).
    public static let ngcPrerelease = "ngc.prerelease-replaced"
    /// `order.unpinned-companion` (see ``RuleCatalog``).
    public static let orderUnpinned = "order.unpinned-companion"
    /// `shell.unquoted-specifier` (see ``RuleCatalog``).
    public static let unquotedSpecifier = "shell.unquoted-specifier"
    /// `abi.wheel-torch` (see ``RuleCatalog``).
    public static let wheelABI = "abi.wheel-torch"
    /// `fsdp.fully-shard` (see ``RuleCatalog``).
    public static let fullyShard = "fsdp.fully-shard"
    /// `image.floating-tag` (see ``RuleCatalog``).
    public static let floatingTag = "image.floating-tag"
    /// `deps.hub-floor` (see ``RuleCatalog``).
    public static let hubFloor = "deps.hub-floor"
    /// Not a rule of the analysis: a fix the user asked for with `--base-image`.
    /// `override.base-image` (see ``RuleCatalog``).
    public static let overrideBaseImage = "override.base-image"
}

/// A rule's description for documentation and SARIF: id, default severity, what it checks, its fix, source.
public struct RuleInfo: Sendable, Equatable {
    /// The stable id.
    public var id: String
    /// The severity when the facts are verified (unverified facts lower an error to a warning).
    public var severity: Severity
    /// What the rule checks.
    public var summary: String
    /// What its fix does.
    public var fix: String
    /// Where its facts come from.
    public var source: KnowledgeSource
}

/// Every rule the analyzer runs.
public enum RuleCatalog {
    /// The rules in documentation order.
    public static let all: [RuleInfo] = [
        RuleInfo(
            id: RuleID.mergeConflict, severity: .error,
            summary: "Leftover merge-conflict markers in a requirements file or the Dockerfile.",
            fix: "none (resolve the conflict)", source: Sources.pipFormat),
        RuleInfo(
            id: RuleID.requirementSyntax, severity: .error, summary: "A requirements line that is not PEP 508.",
            fix: "none", source: Sources.pipFormat),
        RuleInfo(
            id: RuleID.dockerfileSyntax, severity: .error,
            summary: "Unknown instruction, unterminated heredoc, or no FROM.", fix: "none",
            source: Sources.dockerfileReference),
        RuleInfo(
            id: RuleID.requirementsMissing, severity: .warning,
            summary: "A `-r`/`-c` file that no COPY/ADD brings from the context (not checked).", fix: "none",
            source: Sources.dockerfileReference),
        RuleInfo(
            id: RuleID.visionPair, severity: .error,
            summary: "torchvision pinned to a release built for another torch (pip: ResolutionImpossible, or a "
                + "silently replaced torch).", fix: "pin torchvision to torch's companion",
            source: Sources.previousVersions),
        RuleInfo(
            id: RuleID.audioPair, severity: .error,
            summary: "torchaudio pinned to a release built for another torch (2.11+ works with later torch).",
            fix: "pin torchaudio to torch's companion", source: Sources.torchaudioMatrix),
        RuleInfo(
            id: RuleID.unknownRelease, severity: .error, summary: "A torch version that was never released.",
            fix: "pin the newest patch of that minor", source: Sources.previousVersions),
        RuleInfo(
            id: RuleID.indexMissingBuild, severity: .error,
            summary: "torch pinned with a CUDA index (`…/whl/cuXYZ`) that has no build of it; warning when an "
                + "extra index makes pip fall back to PyPI's default build.",
            fix: "pin the index to the nearest CUDA variant that has the torch", source: Sources.releaseMatrix),
        RuleInfo(
            id: RuleID.localVariant, severity: .error,
            summary: "`+cuXYZ` local versions that disagree with each other or with the index, or that do not exist.",
            fix: "pin the companion's local version to torch's", source: Sources.releaseMatrix),
        RuleInfo(
            id: RuleID.extensionNvcc, severity: .error,
            summary: "A CUDA extension build (flash-attn, apex, `--no-build-isolation`, setup.py) whose nvcc major "
                + "differs from torch's CUDA major; warning when the image has no nvcc or a fact is unverified.",
            fix: "none (choose a -devel image of torch's CUDA)", source: Sources.extensionBuilds),
        RuleInfo(
            id: RuleID.impossibleTag, severity: .error,
            summary: "A base image tag that cannot exist under its scheme (pytorch/pytorch, NGC; nvidia/cuda warns).",
            fix: "base_image: the existing tag with the same torch and the nearest CUDA", source: Sources.dockerMakefile
        ),
        RuleInfo(
            id: RuleID.torchReplaced, severity: .warning,
            summary: "Requirements that make pip replace the base image's torch.",
            fix: "base_image with the requested torch, or pin the companion to the image's torch",
            source: Sources.releaseMatrix),
        RuleInfo(
            id: RuleID.ngcPrerelease, severity: .error,
            summary: "A PyPI torch pin (or companion) on an NGC image: its `X.Y.0a0` torch does not satisfy it; "
                + "error when NGC's pip constraint (25.03+) makes the install fail.",
            fix: "none (keep NGC's torch or use a pytorch/pytorch base)", source: Sources.ngcReleaseNotes),
        RuleInfo(
            id: RuleID.orderUnpinned, severity: .error,
            summary: "An unpinned torchvision/torchaudio installed in an earlier step than a torch pin (left "
                + "mismatched), or after one (replaces torch, warning).",
            fix: "pin the companion in its step", source: Sources.previousVersions),
        RuleInfo(
            id: RuleID.unquotedSpecifier, severity: .error,
            summary: "An unquoted `<` or `>` specifier in a shell-form RUN: the shell reads it as a redirection.",
            fix: "quote the requirement", source: Sources.posixShell),
        RuleInfo(
            id: RuleID.wheelABI, severity: .error,
            summary: "A wheel whose name encodes another torch minor (flash-attn `+cu12torch2.6cxx11abi…`).",
            fix: "none (pick the wheel for the installed torch)", source: Sources.flashAttnWheels),
        RuleInfo(
            id: RuleID.fullyShard, severity: .error,
            summary: "`fully_shard` imported from `torch.distributed.fsdp` with torch below 2.6.",
            fix: "none (torch>=2.6, or torch.distributed._composable.fsdp on 2.4-2.5)", source: Sources.fsdp2),
        RuleInfo(
            id: RuleID.floatingTag, severity: .warning, summary: "A base image without a tag or with `latest`.",
            fix: "none (pin a tag)", source: Sources.dockerfileReference),
        RuleInfo(
            id: RuleID.hubFloor, severity: .error,
            summary: "transformers pinned with a huggingface-hub outside the range it requires.",
            fix: "pin huggingface-hub to the floor", source: Sources.transformersHub),
    ]

    /// The rule with `id`.
    public static func info(_ id: String) -> RuleInfo? { all.first { $0.id == id } }
}
