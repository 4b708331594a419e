import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension DockerCLI {
    /// The daemon's server version, checked the cheapest way that is still exact: when the engine is the local
    /// default (`DOCKER_HOST` unset or `unix://…`, no `DOCKER_CONTEXT`, no `LEDGER_DOCKER`), one `GET /_ping`
    /// on the daemon's socket (well under a millisecond; ``socketVersion(path:timeoutMilliseconds:)``);
    /// otherwise `docker version` (``serverVersion(timeout:)``).
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
        let answer = try await onOwnThread { Self.socketVersion(path: socketPath, timeoutMilliseconds: milliseconds) }
        switch answer {
        case .success(let version): return version
        case .failure(let detail): throw EngineError.daemonUnreachable(detail: "\(socketPath): \(detail)")
        }
    }

    enum SocketAnswer: Sendable {
        case success(String)
        case failure(String)
    }

    /// The server version from `GET /_ping`'s `Server` header, else from `GET /version`'s body.
    ///
    /// > Docker Engine API: "GET /_ping — This is a dummy endpoint you can use to test if the server is
    /// > accessible." The daemon stamps every answer with `Server: Docker/<version> (<os>)`, the same version
    /// > `GET /version` reports; `/version` also asks containerd and runs `runc --version` (about 10 ms here).
    static func socketVersion(path: String, timeoutMilliseconds: Int32) -> SocketAnswer {
        let started = ContinuousClock.now
        let ping: (status: Substring, head: Substring, body: Substring)
        switch request("/_ping", path: path, timeoutMilliseconds: timeoutMilliseconds) {
        case .failure(let detail): return .failure(detail)
        case .success(let answer): ping = answer
        }
        if ping.status == "200", let version = serverHeaderVersion(ping.head) { return .success(version) }
        // Both requests share the one timeout.
        let spent = started.duration(to: .now).components
        let left = Int64(timeoutMilliseconds) - spent.seconds * 1000 - spent.attoseconds / 1_000_000_000_000_000
        switch request("/version", path: path, timeoutMilliseconds: Int32(max(1, left))) {
        case .failure(let detail): return .failure(detail)
        case .success(let answer):
            guard answer.status == "200",
                let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                let version = object["Version"] as? String, !version.isEmpty
            else { return .failure("unexpected answer: \(answer.head.split(separator: "\r\n").first ?? "")") }
            return .success(version)
        }
    }

    /// `20.10.24` from a `Server: Docker/20.10.24 (linux)` header line.
    static func serverHeaderVersion(_ head: Substring) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("server: docker/") {
            let version = line.dropFirst("server: docker/".count).prefix { $0 != " " }
            if !version.isEmpty { return String(version) }
        }
        return nil
    }

    enum HTTPAnswer {
        case success(status: Substring, head: Substring, body: Substring)
        case failure(String)
    }

    /// One HTTP/1.0 `GET` on the daemon's socket (the daemon closes the connection after answering).
    static func request(_ target: String, path: String, timeoutMilliseconds: Int32) -> HTTPAnswer {
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
        let request = Array("GET \(target) HTTP/1.0\r\nHost: docker\r\n\r\n".utf8)
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
        guard text.hasPrefix("HTTP/1."), let status = text.split(separator: " ").dropFirst().first,
            let split = text.range(of: "\r\n\r\n")
        else { return .failure("unexpected answer: \(text.split(separator: "\r\n").first ?? "")") }
        return .success(status: status, head: text[..<split.lowerBound], body: text[split.upperBound...])
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
