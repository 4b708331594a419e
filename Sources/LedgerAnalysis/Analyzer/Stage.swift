/// One pip/conda invocation as the analyzer sees it: what it installs, from which indexes, and where written.
struct InstallStep: Sendable {
    /// Global order of the step in the Dockerfile.
    var order: Int
    /// Dockerfile line of the `RUN`.
    var line: Int
    var tool: PackageInstall.Tool
    /// Requirements it installs (command-line packages and `-r` files).
    var sites: [RequirementSite] = []
    /// Requirements from `-c` files and `PIP_CONSTRAINT`.
    var constraints: [RequirementSite] = []
    var indexURL: IndexOption?
    var extraIndexURLs: [IndexOption] = []
    var findLinks: [String] = []
    var noIndex = false
    /// Whether it compiles CUDA extensions against torch (`--no-build-isolation`, flash-attn, apex, …).
    var buildsExtension = false
}

/// A shell redirection glued to a package argument (`pip install torch>=2.0`).
struct GluedSpecifier: Sendable {
    var line: Int
    var column: Int
    var written: String
    var package: String
}

/// One build stage: its base, ARG/ENV, and install steps in order.
struct Stage: Sendable {
    var index: Int
    var name: String?
    var fromLine: Int
    /// The image as resolved, and as written in the `FROM` line.
    var image: String
    var imageWritten: String
    /// The stage this one builds on (`FROM builder`).
    var parent: Int?
    /// The external image at the root of the chain.
    var base: BaseImage?
    /// Installs of this stage only (ancestors' come through `parent`).
    var steps: [InstallStep] = []
    var variables: [String: String] = [:]
    var workdir = "/"
    var unsetsPipConstraint = false
    var installsNvcc = false
    /// Container paths RUN steps write (redirections, `curl -o`, `wget -O`): not expected in the context.
    var writtenFiles: Set<String> = []
    var glued: [GluedSpecifier] = []
    /// COPY/ADD from the context: (sources, destination) with the destination absolute.
    var copies: [(sources: [String], destination: String)] = []
    /// Inline files created with `COPY <<EOF dest`: container path -> (Dockerfile lines).
    var inlineFiles: [String: [(number: Int, text: String)]] = [:]
}
