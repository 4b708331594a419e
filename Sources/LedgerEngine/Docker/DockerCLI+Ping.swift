import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension DockerCLI {
    /// The daemon's server version, checked the cheapest way that is still exact: when the engine is the local
    /// default (`DOCKER_HOST` unset or `unix://…`, no `DOCKER_CONTEXT`, no `LEDGER_DOCKER`), one `GET /version`
    /// on the daemon's socket (about a millisecond); otherwise `docker version` (``serverVersion(timeout:)``).
    ///
    /// > Docker Engine API: "GET /version — Returns the version of Docker that is running and various
    /// > information about the system that Docker is running on." (`Version` is the server version.)
    public func reachableServerVersion(
        timeout: Duration = .seconds(5), environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> String {
        guard environment["LEDGER_DOCKER"] == nil, environment["DOCKER_CONTEXT"] == nil else {
            return try await serverVersion(timeout: timeout)
        }
        let host = environment["DOCKER_HOST"] ?? "unix:///var/run/docker.sock"
        guard host.hasPrefix("unix://") else { return try await serverVersion(timeout: timeout) }
        let socketPath = String(host.dropFirst(7))
        let milliseconds = Int32(min(timeout.components.seconds * 1000, 60_000))
        switch Self.socketVersion(path: socketPath, timeoutMilliseconds: milliseconds) {
        case .success(let version): return version
        case .failure(let detail): throw EngineError.daemonUnreachable(detail: "\(socketPath): \(detail)")
        }
    }

    enum SocketAnswer {
        case success(String)
        case failure(String)
    }

    static func socketVersion(path: String, timeoutMilliseconds: Int32) -> SocketAnswer {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failure(String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            return .failure("socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { return .failure(String(cString: strerror(errno))) }
        let request = Array("GET /version HTTP/1.0\r\nHost: docker\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return .failure("cannot send the request") }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while response.count < 1 << 20 {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return .failure("no answer") }
            let count = read(fd, &chunk, chunk.count)
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), text.split(separator: " ").dropFirst().first == "200",
            let body = text.range(of: "\r\n\r\n").map({ text[$0.upperBound...] }),
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let version = object["Version"] as? String, !version.isEmpty
        else { return .failure("unexpected answer: \(text.split(separator: "\r\n").first ?? "")") }
        return .success(version)
    }

    /// Whether a buildx CLI plugin is installed where the docker CLI looks for plugins; when none is, the
    /// `docker buildx version` process need not run.
    ///
    /// > Docker CLI plugins are found in `~/.docker/cli-plugins` (or `$DOCKER_CONFIG/cli-plugins`),
    /// > `/usr/local/lib/docker/cli-plugins`, `/usr/local/libexec/docker/cli-plugins`,
    /// > `/usr/lib/docker/cli-plugins` and `/usr/libexec/docker/cli-plugins`.
    public func buildxPluginInstalled(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        var folders = [
            "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
            "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins",
        ]
        if let config = environment["DOCKER_CONFIG"] {
            folders.insert("\(config)/cli-plugins", at: 0)
        } else if let home = environment["HOME"] {
            folders.insert("\(home)/.docker/cli-plugins", at: 0)
        }
        return folders.contains { FileManager.default.isExecutableFile(atPath: "\($0)/docker-buildx") }
    }
}
