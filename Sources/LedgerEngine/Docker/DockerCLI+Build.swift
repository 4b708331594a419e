import Foundation

/// One `docker build` invocation.
public struct BuildInvocation: Sendable, Equatable {
    /// The context folder sent to the engine.
    public var context: String
    /// The Dockerfile path (absolute, or relative to the working directory).
    public var dockerfile: String
    /// The image reference to tag.
    public var tag: String
    /// `NAME=VALUE` build args, in order.
    public var buildArgs: [String]
    /// Secret build args by name (BuildKit: secret mounts; legacy: plain build args).
    public var secretBuildArgs: [String: String]
    /// `--network` for `RUN` steps.
    public var network: String?
    /// Use BuildKit (`--progress=plain`); false selects the legacy builder.
    public var buildKit: Bool
    /// A file the engine writes the built image ID into (`--iidfile`).
    public var imageIDFile: String?

    /// Memberwise initializer.
    public init(
        context: String, dockerfile: String, tag: String, buildArgs: [String] = [],
        secretBuildArgs: [String: String] = [:], network: String? = nil, buildKit: Bool = false,
        imageIDFile: String? = nil
    ) {
        self.context = context
        self.dockerfile = dockerfile
        self.tag = tag
        self.buildArgs = buildArgs
        self.secretBuildArgs = secretBuildArgs
        self.network = network
        self.buildKit = buildKit
        self.imageIDFile = imageIDFile
    }

    /// The `docker` arguments and the extra environment (secret values travel in the environment, never in
    /// the argument list that `ps` shows, when BuildKit is used).
    public var commandLine: (arguments: [String], environment: [String: String]) {
        var arguments = ["build", "-f", dockerfile, "-t", tag]
        var environment = ["DOCKER_BUILDKIT": buildKit ? "1" : "0"]
        if buildKit { arguments += ["--progress=plain"] }
        if let network { arguments += ["--network", network] }
        if let imageIDFile { arguments += ["--iidfile", imageIDFile] }
        for arg in buildArgs { arguments += ["--build-arg", arg] }
        for (name, value) in secretBuildArgs.sorted(by: { $0.key < $1.key }) {
            if buildKit {
                // > Docker: "--secret id=KEY,env=VAR ... the secret is read from the environment variable VAR".
                let variable = "LEDGER_SECRET_\(name)"
                environment[variable] = value
                arguments += ["--secret", "id=\(name),env=\(variable)"]
            } else {
                arguments += ["--build-arg", "\(name)=\(value)"]
            }
        }
        arguments.append(context)
        return (arguments, environment)
    }
}

extension DockerCLI {
    /// Runs `docker build` with its standard output and standard error on one pipe, handing the output to
    /// `sink` in blocks on a reader thread (see ``ProcessRunner/streamBlocks(_:_:environment:into:)``).
    ///
    /// Cancelling the calling task stops the build (the CLI gets SIGINT, which makes the engine abort it).
    public func build(_ invocation: BuildInvocation, into sink: any OutputBlockSink) async throws -> Termination {
        var (arguments, environment) = invocation.commandLine
        if !invocation.buildKit, let gc = Self.buildGC(ProcessInfo.processInfo.environment) {
            environment["GOGC"] = gc
        }
        return try await ProcessRunner.streamBlocks(executable, arguments, environment: environment, into: sink)
    }

    /// `GOGC` for the legacy builder's `docker build` client unless the user set one: that client decodes the
    /// daemon's JSON stream into many short-lived strings, and on a loud build Go's collector at its default
    /// (100) took about a fifth of the client's CPU (0.45 of 2.5 CPU-seconds for 300 MB); at 400 it collects a
    /// quarter as often, for about 12 MiB more client memory (its live heap is a few MiB). Only the client
    /// changes; the daemon, the image and the output do not. BuildKit's client (buildx, which holds the
    /// context's file sync in memory) keeps the default.
    ///
    /// > Go runtime: "The GOGC variable sets the initial garbage collection target percentage. A collection
    /// > is triggered when the ratio of freshly allocated data to live data remaining after the previous
    /// > collection reaches this percentage."
    static func buildGC(_ environment: [String: String]) -> String? {
        environment["GOGC"] == nil ? "400" : nil
    }
}
