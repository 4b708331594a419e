import Foundation

/// What `docker image inspect` says about an image: its ID and the configuration a container starts with.
public struct ImageInspection: Sendable, Equatable {
    /// The image ID (`sha256:…`): locally made images have no repository digest.
    public var id: String
    /// Repository tags.
    public var repoTags: [String]
    /// `Config.Env` as `KEY=VALUE` strings.
    public var env: [String]
    /// `Config.Entrypoint`.
    public var entrypoint: [String]
    /// `Config.Cmd`.
    public var cmd: [String]
    /// `Config.WorkingDir`.
    public var workdir: String
    /// `Config.User`.
    public var user: String
    /// `Config.ExposedPorts` keys (e.g. `8080/tcp`).
    public var exposedPorts: [String]
    /// `Config.Labels`.
    public var labels: [String: String]

    /// Parses the JSON array `docker image inspect` prints (its first element).
    public init(inspectJSON data: Data) throws {
        guard let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]], let image = array.first,
            let id = image["Id"] as? String
        else { throw EngineError.commandFailed(command: "image inspect", exitCode: 0, stderr: "unexpected output") }
        let config = image["Config"] as? [String: Any] ?? [:]
        self.id = id
        repoTags = image["RepoTags"] as? [String] ?? []
        env = config["Env"] as? [String] ?? []
        entrypoint = config["Entrypoint"] as? [String] ?? []
        cmd = config["Cmd"] as? [String] ?? []
        workdir = config["WorkingDir"] as? String ?? ""
        user = config["User"] as? String ?? ""
        exposedPorts = ((config["ExposedPorts"] as? [String: Any]) ?? [:]).keys.sorted()
        labels = config["Labels"] as? [String: String] ?? [:]
    }
}

extension DockerCLI {
    /// Inspects a local image; nil when there is no such image.
    public func inspectImage(_ reference: String) async throws -> ImageInspection? {
        let output = try await ProcessRunner.capture(
            executable, ["image", "inspect", "--", reference], timeout: .seconds(30))
        guard output.termination.succeeded else {
            if output.stderr.lowercased().contains("no such image") { return nil }
            if output.stderr.contains("Cannot connect") || output.stderr.contains("daemon") {
                throw EngineError.daemonUnreachable(
                    detail: output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return nil
        }
        return try ImageInspection(inspectJSON: Data(output.stdout.utf8))
    }
}
