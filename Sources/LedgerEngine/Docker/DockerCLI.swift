import Foundation

/// Errors talking to the container engine.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// No `docker` executable.
    case cliMissing
    /// The daemon did not answer.
    case daemonUnreachable(detail: String)
    /// A docker command failed.
    case commandFailed(command: String, exitCode: Int32?, stderr: String)

    public var description: String {
        switch self {
        case .cliMissing:
            return "no `docker` command on PATH: install Docker (Debian: apt-get install docker.io)"
        case .daemonUnreachable(let detail):
            return
                "the Docker daemon does not answer (\(detail)): start it (`dockerd --iptables=false --bridge=none &`) or set DOCKER_HOST"
        case .commandFailed(let command, let exitCode, let stderr):
            let tail = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
            return "`docker \(command)` failed with exit \(exitCode.map(String.init) ?? "signal"): \(tail)"
        }
    }
}

/// The Docker engine through its CLI (`DOCKER_HOST` and the CLI's config are honoured as inherited).
public struct DockerCLI: Sendable {
    /// The `docker` executable.
    public var executable: String

    /// Finds `docker` (`LEDGER_DOCKER` overrides, for tests that need a scripted engine).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let name = environment["LEDGER_DOCKER"] ?? "docker"
        guard let path = ProcessRunner.which(name, environment: environment) else { throw EngineError.cliMissing }
        executable = path
    }

    /// Runs `docker ARGS` and collects its output; throws `commandFailed` on a non-zero exit.
    @discardableResult
    public func capture(_ arguments: [String], timeout: Duration? = .seconds(120), input: Data? = nil) async throws
        -> CapturedOutput
    {
        let output = try await ProcessRunner.capture(executable, arguments, input: input, timeout: timeout)
        guard output.termination.succeeded else {
            throw EngineError.commandFailed(
                command: arguments.prefix(2).joined(separator: " "), exitCode: output.termination.exitCode,
                stderr: output.stderr)
        }
        return output
    }

    /// Checks that the daemon answers within `timeout`; returns the server version.
    public func serverVersion(timeout: Duration = .seconds(10)) async throws -> String {
        let output: CapturedOutput
        do {
            output = try await ProcessRunner.capture(
                executable, ["version", "--format", "{{.Server.Version}}"], timeout: timeout)
        } catch {
            throw EngineError.daemonUnreachable(detail: "\(error)")
        }
        let version = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.termination.succeeded, !version.isEmpty else {
            let why =
                output.termination.stoppedByLedger
                ? "no answer in \(timeout)" : output.stderr.split(separator: "\n").last.map(String.init) ?? "no answer"
            throw EngineError.daemonUnreachable(detail: why)
        }
        return version
    }

    /// The buildx (BuildKit) version, or nil when there is no buildx (the legacy builder answers then).
    public func buildxVersion() async -> String? {
        guard let output = try? await ProcessRunner.capture(executable, ["buildx", "version"], timeout: .seconds(10)),
            output.termination.succeeded
        else { return nil }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The image ID (`sha256:…`) of a local image, or nil when there is none.
    public func imageID(_ reference: String) async throws -> String? {
        let output = try await ProcessRunner.capture(
            executable, ["image", "inspect", "--format", "{{.Id}}", reference], timeout: .seconds(30))
        guard output.termination.succeeded else { return nil }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the engine has an NVIDIA runtime registered.
    public func hasNvidiaRuntime() async -> Bool {
        guard
            let output = try? await ProcessRunner.capture(
                executable, ["info", "--format", "{{json .Runtimes}}"], timeout: .seconds(10))
        else { return false }
        return output.stdout.contains("nvidia")
    }
}
