import Foundation
import Testing

@testable import LedgerEngine

struct DockerCLITests {
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nDate: x", "20.10.24+dfsg1"),
        ("HTTP/1.0 200 OK\r\nserver: Docker/28.1.1 (linux)", "28.1.1"),
        ("HTTP/1.1 200 OK\r\nServer: Libpod/5.0 (linux)", nil),
        ("HTTP/1.1 200 OK\r\nServer: Docker/", nil),
        ("HTTP/1.1 200 OK\r\nContent-Length: 2", nil),
    ])
    func serverHeader(head: String, version: String?) {
        #expect(DockerCLI.serverHeaderVersion(head[...]) == version)
    }

    /// The engine the tests run against: `GET /_ping`'s header gives what `docker version` gives.
    @Test func pingAgreesWithDockerVersion() async throws {
        let docker = try DockerCLI()
        let fromSocket = try await docker.reachableServerVersion()
        let fromCLI = try await docker.serverVersion()
        #expect(fromSocket == fromCLI)
    }

    /// The legacy client gets GOGC=400 unless the user chose a value.
    @Test func buildClientGC() {
        #expect(DockerCLI.buildGC([:]) == "400")
        #expect(DockerCLI.buildGC(["GOGC": "100"]) == nil)
        #expect(DockerCLI.buildGC(["GOGC": "off"]) == nil)
    }
}
