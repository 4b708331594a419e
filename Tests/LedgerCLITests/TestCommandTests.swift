import Foundation
import LedgerEngine
import LedgerStore
import LedgerTestSupport
import Testing

/// `ledger test` end to end: the built binary against the real engine.
@Suite("ledger test (built binary, real engine)")
struct TestCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/ledger").path

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "ledger-cli-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func ledger(_ arguments: [String], timeout: Duration = .seconds(300)) async throws -> CapturedOutput {
        try await ProcessRunner.capture(binary, arguments, timeout: timeout)
    }

    @Test("JSON result, report file and JUnit written 0600, exit 1 on failures, events in the journal")
    func jsonAndFiles() async throws {
        let folder = try Self.temporaryDirectory()
        let db = folder + "/ledger.db"
        let out = try await Self.ledger([
            "--db", db, "test", "--image", "ledger/base:bookworm-py3", "--level", "quick", "--format", "json",
            "--output", folder + "/reports", "--junit", folder + "/junit.xml", "--gpus", "none",
            "--spec", Self.root.appendingPathComponent("Tests/Fixtures/structure/metadata-good.yaml").path,
        ])
        #expect(out.termination.exitCode == 1, "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(json["image"] as? String == "ledger/base:bookworm-py3")
        #expect((json["image_id"] as? String)?.hasPrefix("sha256:") == true)
        #expect(json["project"] as? String == "base")
        #expect(json["level"] as? String == "quick")
        #expect(json["passed"] as? Int == 3)
        #expect(json["failed"] as? Int == 3)
        #expect(json["skipped"] as? Int == 0)
        #expect((json["recommendations"] as? [Any])?.isEmpty == false)
        let reports = try FileManager.default.contentsOfDirectory(atPath: folder + "/reports")
        #expect(reports.count == 1 && reports[0].hasPrefix("test-report-") && reports[0].hasSuffix(".json"))
        for file in [folder + "/reports/" + reports[0], folder + "/junit.xml"] {
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        }
        let runId = try #require(json["run_id"] as? String)
        let events = try EventStore(path: db, readOnly: true).stream("test-\(runId)")
        #expect(events.map(\.type).first == "TestRunStarted")
        #expect(events.map(\.type).last == "TestRunFinished")
        #expect(events.filter { $0.type == "TestCaseFinished" }.count == 6)
    }

    @Test("a malformed spec is exit 2 with file and line, before any container starts")
    func malformedSpec() async throws {
        let folder = try Self.temporaryDirectory()
        let spec = Self.root.appendingPathComponent("Tests/Fixtures/structure/unknown-key.yaml").path
        let out = try await Self.ledger([
            "--db", folder + "/ledger.db", "test", "--image", "ledger-test/never-used:x", "--spec", spec,
        ])
        #expect(out.termination.exitCode == 2)
        #expect(out.stderr.contains("error: \(spec):8: unknown key `shouldExists`"), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
    }

    @Test("a missing image is exit 2; a bad level is a usage error (64)")
    func unusable() async throws {
        let folder = try Self.temporaryDirectory()
        let missing = try await Self.ledger(["--db", folder + "/l.db", "test", "--image", "ledger-test/no-such:x"])
        #expect(missing.termination.exitCode == 2)
        #expect(missing.stderr.contains("error: no image `ledger-test/no-such:x`"))
        let usage = try await Self.ledger(["--db", folder + "/l.db", "test", "--image", "x", "--level", "huge"])
        #expect(usage.termination.exitCode == 64)
    }

    @Test("Ctrl-C: the run is recorded interrupted, the container removed, exit 130")
    func interrupt() async throws {
        let folder = try Self.temporaryDirectory()
        let hook = folder + "/hang.py"
        try "@probe(\"test.hang\")\ndef _hang():\n    time.sleep(3600)\n".write(
            toFile: hook, atomically: true, encoding: .utf8)
        let db = folder + "/ledger.db"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--db", db, "test", "--image", "ledger/base:bookworm-py3", "--level", "quick",
            "--probe-extra", hook, "--timeout", "600", "--format", "json", "--gpus", "none",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the hanging probe is running (numpy reported), then interrupt.
        let deadline = ContinuousClock.now + .seconds(60)
        var started = false
        while ContinuousClock.now < deadline, !started {
            try await Task.sleep(for: .milliseconds(200))
            if FileManager.default.fileExists(atPath: db), let store = try? EventStore(path: db, readOnly: true) {
                var seen = false
                try? store.events(type: "TestCaseFinished") { if $0.data.contains("imports.numpy") { seen = true } }
                started = seen
            }
        }
        #expect(started)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let store = try EventStore(path: db, readOnly: true)
        var finished: [TestRunFinished] = []
        try store.events(type: "TestRunFinished") {
            if let event = $0.decode(TestRunFinished.self) { finished.append(event) }
        }
        #expect(finished.map(\.status) == ["interrupted"])
        let runId = try #require(finished.first?.runId)
        let left = try await ProcessRunner.capture(
            try DockerCLI().executable, ["ps", "-aq", "--filter", "label=org.ledger.run-id=\(runId)"])
        #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
