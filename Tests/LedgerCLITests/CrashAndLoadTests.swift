import Foundation
import LedgerStore
import LedgerTestSupport
import Testing

/// Issue 7: kill -9 during a rebuild and a test run, and eight writers of different kinds at once.
@Suite("ledger CLI: crashes and load", .serialized)
struct CrashAndLoadTests {
    /// The answers of the queries, as JSON, to compare before and after.
    func answers(_ db: String) throws -> [String] {
        try [
            ["history", "fsdp", "--limit", "50"], ["status"], ["compare", "--by", "instance-type"], ["fixes"],
            ["flaky"], ["regressions"],
        ].map { query in
            let result = try ledger(query + ["--db", db, "--format", "json"])
            #expect(result.status == 0, "\(query): \(result.stderr)")
            return result.stdout
        }
    }

    @Test("kill -9 during a rebuild changes nothing; the journal verifies and a rebuild then agrees")
    func killedRebuild() async throws {
        let dir = temporaryDirectory("crash")
        let db = dir + "/l.db"
        let (status, _, err) = try shell(
            siblingBinary("synth-journal"), ["--events", "60000", "--db", db, "--seed", "7"])
        #expect(status == 0, "\(err)")
        let before = try answers(db)
        #expect(before[0].count > 100, "history has rows")
        var killedMidway = 0
        for delay in [150, 400, 800] {
            let process = try startLedger(["rebuild", "--db", db])
            try await Task.sleep(for: .milliseconds(delay))
            if process.isRunning { killedMidway += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try ledger(["verify", "--db", db]).status == 0)
            #expect(try answers(db) == before, "a killed rebuild left the projections changed")
        }
        #expect(killedMidway > 0, "no rebuild was still running when killed")
        #expect(try ledger(["rebuild", "--db", db]).status == 0)
        #expect(try answers(db) == before)
    }

    @Test("projections applied batch by batch during an import equal a rebuild and the source journal")
    func importedProjections() async throws {
        let dir = temporaryDirectory("import")
        let source = dir + "/source.db"
        let (status, _, err) = try shell(
            siblingBinary("synth-journal"), ["--events", "20000", "--db", source, "--seed", "11"])
        #expect(status == 0, "\(err)")
        let copy = dir + "/copy.db"
        #expect(try ledger(["import", source, "--db", copy]).status == 0)
        let imported = try answers(copy)
        #expect(imported == (try answers(source)))
        #expect(try ledger(["rebuild", "--db", copy]).status == 0)
        #expect(try answers(copy) == imported)
    }

    @Test("kill -9 during a test run: the run reads as interrupted and the journal verifies")
    func killedTestRun() async throws {
        let dir = temporaryDirectory("crash")
        let db = dir + "/l.db"
        let hook = dir + "/hang.py"
        try "@probe(\"test.hang\")\ndef _hang():\n    time.sleep(3600)\n".write(
            toFile: hook, atomically: true, encoding: .utf8)
        let process = try startLedger([
            "--db", db, "test", "--image", "ledger/base:bookworm-py3", "--project", "crashy", "--level", "quick",
            "--probe-extra", hook, "--timeout", "600", "--gpus", "none",
        ])
        var started = false
        for _ in 0..<300 where !started {
            try await Task.sleep(for: .milliseconds(200))
            guard let store = try? EventStore(path: db, readOnly: true) else { continue }
            try? store.events(type: "TestCaseFinished") { if $0.data.contains("imports.numpy") { started = true } }
        }
        #expect(started)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(try ledger(["verify", "--db", db]).status == 0)
        let history = try ledger(["history", "crashy", "--db", db, "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["kind"] as? String == "test")
        #expect(rows.first?["status"] as? String == "interrupted")
        // The orphaned container of this run (and only this run: other tests' containers run beside it).
        let runId = try #require(rows.first?["id"] as? String)
        let (_, ids, _) = try shell(
            "/usr/bin/env", ["docker", "ps", "-aq", "--filter", "label=org.ledger.run-id=\(runId)"])
        for id in String(decoding: ids, as: UTF8.self).split(separator: "\n") {
            _ = try? shell("/usr/bin/env", ["docker", "rm", "-f", String(id)])
        }
    }

    @Test("eight writers at once (imports, analyses, test runs) keep every event; projections agree with a rebuild")
    func mixedLoad() async throws {
        let dir = temporaryDirectory("load")
        let db = dir + "/l.db"
        #expect(try ledger(["init", "--db", db]).status == 0)
        let context = dir + "/ctx"
        try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
        try
            "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            .write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
        try "torch==2.5.1\ntorchvision==0.21.0\n".write(
            toFile: context + "/requirements.txt", atomically: true, encoding: .utf8)
        var jobs: [[String]] = []
        for n in 0..<4 {
            let file = dir + "/in\(n).ndjson"
            try ndjsonEvents(3_000, streamPrefix: "build-load\(n)").write(
                toFile: file, atomically: true, encoding: .utf8)
            jobs.append(["import", file, "--db", db])
        }
        for _ in 0..<2 {
            jobs.append(["analyze", "--context", context, "--project", "load", "--db", db, "--format", "json"])
        }
        for _ in 0..<2 {
            jobs.append([
                "test", "--image", "ledger/base:bookworm-py3", "--project", "load", "--level", "quick", "--gpus",
                "none",
                "--db", db,
            ])
        }
        var processes: [Process] = []
        for job in jobs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ledgerBinary())
            process.arguments = job
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            processes.append(process)
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        // imports exit 0; analyses find the pair error (1); quick tests fail on the missing torch (1). Never 2.
        #expect(processes.map(\.terminationStatus) == [0, 0, 0, 0, 1, 1, 1, 1])
        let store = try EventStore(path: db, readOnly: true)
        var positions: [Int64] = []
        var types: [String: Int] = [:]
        try store.events {
            positions.append($0.position)
            types[$0.type, default: 0] += 1
        }
        #expect(positions == Array(1...Int64(positions.count)))
        #expect(types["BuildStepFinished"] == 12_000)
        #expect(types["AnalysisCompleted"] == 2)
        #expect(types["TestRunStarted"] == 2 && types["TestRunFinished"] == 2)
        #expect(try ledger(["verify", "--db", db]).status == 0)
        let before = try ledger(["history", "load", "--db", db, "--format", "json"]).stdout
        #expect(try ledger(["rebuild", "--db", db]).status == 0)
        #expect(try ledger(["history", "load", "--db", db, "--format", "json"]).stdout == before)
    }
}
