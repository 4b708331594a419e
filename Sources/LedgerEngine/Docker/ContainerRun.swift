import Foundation

/// A one-shot container: what `docker run --rm` starts, with the safety defaults the tester relies on.
public struct ContainerRunRequest: Sendable, Equatable {
    /// Image reference or ID.
    public var image: String
    /// Replaces the image's entrypoint (e.g. `python3`), so the image's own entrypoint cannot intercept.
    public var entrypoint: String?
    /// Arguments after the image.
    public var command: [String]
    /// `--network`: `none` unless asked.
    public var network: String
    /// `--gpus` value (e.g. `all`), or nil for none.
    public var gpus: String?
    /// Capabilities to drop (`--cap-drop`); `ALL` by default. `--privileged` is never used.
    public var capDrop: [String]
    /// `--name`, so the container can be removed when the client is stopped.
    public var name: String?
    /// `--env` pairs.
    public var environment: [String: String]
    /// `--label` pairs.
    public var labels: [String: String]
    /// Bytes written to the container's stdin (`-i`), or nil for none.
    public var input: Data?

    /// Creates a request with the defaults: no network, no GPUs, every capability dropped.
    public init(
        image: String, entrypoint: String? = nil, command: [String] = [], network: String = "none",
        gpus: String? = nil, capDrop: [String] = ["ALL"], name: String? = nil, environment: [String: String] = [:],
        labels: [String: String] = [:], input: Data? = nil
    ) {
        self.image = image
        self.entrypoint = entrypoint
        self.command = command
        self.network = network
        self.gpus = gpus
        self.capDrop = capDrop
        self.name = name
        self.environment = environment
        self.labels = labels
        self.input = input
    }

    /// The `docker` arguments, as a list (never a shell string).
    public var arguments: [String] {
        var arguments = ["run", "--rm", "--network", network]
        if input != nil { arguments.append("-i") }
        if let name { arguments += ["--name", name] }
        for capability in capDrop { arguments += ["--cap-drop", capability] }
        // > --security-opt="no-new-privileges:true": disable container processes from gaining new privileges
        arguments += ["--security-opt", "no-new-privileges"]
        if let gpus { arguments += ["--gpus", gpus] }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(key)=\(value)"] }
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        if let entrypoint { arguments += ["--entrypoint", entrypoint] }
        arguments.append(image)
        return arguments + command
    }
}

extension DockerCLI {
    /// Runs a one-shot container, handing each output line (without its newline) to `onLine` as it arrives.
    ///
    /// When the run is stopped by `timeout` or by cancellation, the named container is removed
    /// (`docker rm -f`): stopping the `docker` client alone can leave the container running.
    public func run(
        _ request: ContainerRunRequest, timeout: Duration? = nil,
        onLine: @escaping @Sendable (OutputStream, String) -> Void
    ) async throws -> Termination {
        var out = LineSplitter()
        var err = LineSplitter()
        let deliver: (OutputStream, ArraySlice<UInt8>) -> Void = { stream, line in
            var text = String(decoding: line, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            onLine(stream, text)
        }
        let termination: Termination
        do {
            termination = try await ProcessRunner.stream(
                executable, request.arguments, input: request.input, timeout: timeout
            ) { stream, bytes in
                switch stream {
                case .stdout: out.feed(bytes) { deliver(.stdout, $0) }
                case .stderr: err.feed(bytes) { deliver(.stderr, $0) }
                }
            }
        } catch {
            await removeContainer(named: request.name)
            throw error
        }
        out.finish { deliver(.stdout, $0) }
        err.finish { deliver(.stderr, $0) }
        if termination.stoppedByLedger || Task.isCancelled { await removeContainer(named: request.name) }
        return termination
    }

    /// Removes a container by name (`docker rm -f`), outside the caller's cancellation; errors are ignored.
    public func removeContainer(named name: String?) async {
        guard let name else { return }
        let executable = self.executable
        await Task.detached {
            _ = try? await ProcessRunner.capture(executable, ["rm", "-f", name], timeout: .seconds(30))
        }.value
    }
}
