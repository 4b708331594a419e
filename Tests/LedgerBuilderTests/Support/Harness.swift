import Foundation
import LedgerBuilder
import LedgerEngine
import LedgerStore
import Testing

/// Temporary contexts, journals and image tags for tests against the real engine.
enum Harness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let base = "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"

    /// The Dockerfile of the resolver scenario: an offline wheelhouse, then the pinned requirements.
    static let resolverDockerfile = """
        FROM \(base)
        COPY wheels/ /wheels/
        COPY requirements.txt /app/requirements.txt
        RUN pip install --no-index --find-links /wheels -r /app/requirements.txt
        """

    /// A new folder holding `files` (paths relative to it), with the tiny wheelhouse in `wheels/` when asked.
    static func context(_ files: [String: String], wheelhouse: Bool = false) async throws -> String {
        let root = NSTemporaryDirectory() + "ledger-ctx-\(UUID().uuidString.lowercased())/ctx"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (path, text) in files {
            let full = "\(root)/\(path)"
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        if wheelhouse {
            let output = try await ProcessRunner.capture(
                "python3", ["\(repository)/Tools/make-wheelhouse", "\(root)/wheels"], timeout: .seconds(60))
            #expect(output.termination.succeeded, "make-wheelhouse: \(output.stderr)")
        }
        return root
    }

    /// A new journal in a temporary folder.
    static func store() throws -> EventStore {
        let folder = NSTemporaryDirectory() + "ledger-db-\(UUID().uuidString.lowercased())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try EventStore(path: "\(folder)/ledger.db")
    }

    /// A unique image reference for one test.
    static func tag(_ name: String) -> String {
        "ledger-test-\(name):\(UUID().uuidString.lowercased().prefix(12))"
    }

    /// Build options against the real engine (versions asked once per process).
    static func options(context: String, tag: String) async throws -> BuildOptions {
        var options = BuildOptions(context: context, docker: try DockerCLI())
        options.tag = tag
        options.network = "none"
        options.instanceType = "test.local"
        options.engineVersion = try await options.docker.serverVersion()
        options.buildkitVersion = await options.docker.buildxVersion()
        return options
    }

    /// Removes test images (cheap; a failure to remove is not the test's concern).
    static func removeImages(_ references: [String]) async {
        _ = try? await ProcessRunner.capture("docker", ["rmi", "-f"] + references, timeout: .seconds(60))
    }

    /// The decoded events of one type in a build's stream.
    static func events<T: DomainEvent>(_ type: T.Type, in store: EventStore, build: String) throws -> [T] {
        try store.stream("build-\(build)").filter { $0.type == T.eventType }.compactMap { $0.decode(T.self) }
    }

    /// A stored log as text.
    static func log(_ id: String, in store: EventStore) throws -> String {
        var data = Data()
        try store.readLog(id: id) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The built `ledger` binary next to the test bundle.
    static func ledgerBinary() throws -> String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle.appendingPathComponent("ledger").path, "\(repository)/.build/debug/ledger"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        Issue.record("no built ledger binary next to \(bundle.path): run `swift build --build-tests` first")
        throw CancellationError()
    }
}
