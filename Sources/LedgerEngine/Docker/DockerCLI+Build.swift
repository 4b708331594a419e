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
    /// Runs `docker build`, handing each piece of output to `onOutput` as it arrives.
    ///
    /// Cancelling the calling task stops the build (the CLI gets SIGINT, which makes the engine abort it).
    public func build(
        _ invocation: BuildInvocation, onOutput: @escaping (OutputStream, [UInt8]) throws -> Void
    ) async throws -> Termination {
        let (arguments, environment) = invocation.commandLine
        return try await ProcessRunner.stream(executable, arguments, environment: environment, onOutput: onOutput)
    }
}
