import Foundation
import LedgerEngine
import LedgerStore
import Testing

@testable import LedgerTester

/// Paths, temporary journals and fixture images shared by the tester's tests.
enum Fixtures {
    /// The package root (tests run from anywhere).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The offline base image Tools/setup makes (python3 + numpy, no torch).
    static let baseImage = "ledger/base:bookworm-py3"
    /// Made by Tools/make-torch-image.
    static let torchImage = "ledger-fixture/torch:2.5.1"
    /// Made by Tools/make-torch-image: torchvision 0.21.0 installed with --no-deps over torch 2.5.1.
    static let mismatchImage = "ledger-fixture/torch-mismatch:2.5.1"

    static func spec(_ name: String) -> String {
        root.appendingPathComponent("Tests/Fixtures/structure/\(name)").path
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ledger-tester-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A fresh journal in a temporary folder.
    static func store() throws -> EventStore {
        try EventStore(path: try temporaryDirectory() + "/ledger.db")
    }

    /// Runs the tester against the real engine.
    static func run(_ options: TestRunOptions, store: EventStore? = nil) async throws -> TestReport {
        try await TestRunner(docker: try DockerCLI(), store: store).run(options)
    }

    /// Makes the torch fixture images when missing (wheels are cached per machine; see Tools/make-torch-image).
    static func ensureTorchImages() async throws {
        try await TorchImages.shared.ensure()
    }
}

/// Serializes the one-time fixture image build across concurrently running tests.
actor TorchImages {
    static let shared = TorchImages()
    private var ready = false

    func ensure() async throws {
        if ready { return }
        let output = try await ProcessRunner.capture(
            Fixtures.root.appendingPathComponent("Tools/make-torch-image").path, [], timeout: .seconds(1800))
        guard output.termination.succeeded else {
            Issue.record("Tools/make-torch-image failed: \(output.stderr.suffix(2000))")
            throw CancellationError()
        }
        ready = true
    }
}

extension TestReport {
    /// The result named `name` (fails the test when absent).
    func result(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> TestCaseResult {
        guard let result = tests.first(where: { $0.name == name }) else {
            Issue.record("no result for \(name) in \(tests.map(\.name))", sourceLocation: sourceLocation)
            return TestCaseResult(name: name, status: "missing", durationS: 0, message: "", attempts: 0)
        }
        return result
    }

    /// Status of each test by name.
    var statuses: [String: String] { Dictionary(tests.map { ($0.name, $0.status) }) { first, _ in first } }
}
