import Foundation
import LedgerStore
import Testing

/// End-to-end: the built `ledger` binary analyzing fixture contexts.
@Suite struct AnalyzeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `.build/debug/ledger` with `arguments`; returns exit status, stdout and stderr.
    static func ledger(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = root.appendingPathComponent(".build/debug/ledger")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes before waiting (a full pipe would block the child).
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    static func fixture(_ name: String) -> String {
        root.appendingPathComponent("Tests/Fixtures/analysis/\(name)").path
    }

    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ledger-analyze-\(UUID().uuidString).db").path
    }

    @Test func textFindingsExitOneAndRecordAnEvent() throws {
        let db = Self.database()
        let result = try Self.ledger(["analyze", "--db", db, "--context", Self.fixture("fsdp-demo")])
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix(
                "requirements.txt:2: error: torchvision 0.21.0 needs torch==2.6.0, but torch 2.5.1 is pinned (line 1)"))
        #expect(result.stdout.contains("[pair.torchvision]\n    fix (pin): requirements.txt:2: torchvision==0.20.1"))
        #expect(result.stderr.contains("note: 1 error, 0 warnings"))
        let store = try EventStore(path: db, readOnly: true)
        var events: [RecordedEvent] = []
        try store.events(type: "AnalysisCompleted") { events.append($0) }
        #expect(events.count == 1)
        let event = try #require(events.first?.decode(AnalysisCompleted.self))
        #expect(events.first?.stream == "analysis-\(event.analysisId)")
        #expect(event.project == "fsdp-demo")
        #expect(event.findings.map(\.rule) == ["pair.torchvision"])
        #expect(event.findings.first?.fix?.after == "torchvision==0.20.1")
        #expect(event.findings.first?.fix?.diff.contains("+torchvision==0.20.1") == true)
    }

    @Test func jsonAndSarifAreParseable() throws {
        let db = Self.database()
        let json = try Self.ledger([
            "analyze", "--db", db, "--context", Self.fixture("fsdp-multistage"), "--format", "json",
        ])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["findings"] as? [Any])?.isEmpty == true)
        #expect((object["pins"] as? [String: String])?["torch"] == "2.5.1+cu124")
        #expect(object["base_image"] as? String == "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")
        let sarif = try Self.ledger([
            "analyze", "--db", db, "--context", Self.fixture("merge-conflict"), "--format", "sarif", "--project",
            "demo",
        ])
        #expect(sarif.status == 1)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        #expect(results.contains { $0["ruleId"] as? String == "syntax.merge-conflict" })
    }

    @Test func unusableInputExitsTwo() throws {
        let db = Self.database()
        let missing = try Self.ledger(["analyze", "--db", db, "--context", "/nonexistent/context"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("error: /nonexistent/context: the context is not a directory"))
        let dockerfile = try Self.ledger([
            "analyze", "--db", db, "--context", Self.fixture("fsdp-demo"), "--dockerfile", "Nope.Dockerfile",
        ])
        #expect(dockerfile.status == 2)
        #expect(dockerfile.stderr.contains("Nope.Dockerfile: no such file"))
        let format = try Self.ledger(["analyze", "--db", db, "--format", "xml"])
        #expect(format.status == 64)
    }
}
