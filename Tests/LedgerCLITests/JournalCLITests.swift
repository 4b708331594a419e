import Foundation
import LedgerStore
import LedgerTestSupport
import Testing

@Suite("ledger CLI: journal commands", .serialized)
struct JournalCLITests {
    @Test("--version answers and --help lists the commands")
    func versionAndHelp() throws {
        let version = try ledger(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == EventMetadata.ledgerVersion)
        let help = try ledger(["--help"])
        #expect(help.status == 0)
        for command in ["init", "logs", "events", "export", "import", "rebuild", "verify"] {
            #expect(help.stdout.contains("  \(command) "), "help lacks \(command)")
        }
        #expect(help.stdout.contains("Exit codes: 0 ok; 1 the thing checked failed"))
    }

    @Test("--db works before and after the subcommand, and LEDGER_DB too")
    func dbPlacement() throws {
        let dir = temporaryDirectory("cli")
        #expect(try ledger(["--db", dir + "/a.db", "init"]).status == 0)
        #expect(try ledger(["init", "--db", dir + "/b.db"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/a.db"))
        #expect(FileManager.default.fileExists(atPath: dir + "/b.db"))
        var env = ProcessInfo.processInfo.environment
        env["LEDGER_DB"] = dir + "/c.db"
        let (status, _, _) = try shell(ledgerBinary(), ["init"], environment: env)
        #expect(status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/c.db"))
    }

    @Test("usage errors exit 64; a missing journal exits 2 with the next step")
    func exitCodes() throws {
        let dir = temporaryDirectory("cli")
        #expect(try ledger(["events", "--after", "abc"]).status == 64)
        let missing = try ledger(["events", "--db", dir + "/none.db"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: no journal at \(dir)/none.db: run `ledger init`"))
    }

    @Test("import, events and export on the built binary; a bad line names its number")
    func importExport() throws {
        let dir = temporaryDirectory("cli")
        try ndjsonEvents(500).write(toFile: dir + "/in.ndjson", atomically: true, encoding: .utf8)
        let db = dir + "/l.db"
        let imported = try ledger(["import", dir + "/in.ndjson", "--db", db])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("imported 500 events"))
        let again = try ledger(["import", dir + "/in.ndjson", "--db", db])
        #expect(again.stdout.contains("imported 0 events, 500 already present"))
        let exported = try ledger(["export", "--db", db])
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 500)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(
            Set(first?.keys.map { $0 } ?? []) == [
                "position", "id", "stream", "stream_version", "type", "schema_version", "occurred_at", "recorded_at",
                "data", "metadata", "checksum",
            ])
        #expect(first?["data"] is [String: Any])
        let filtered = try ledger(["events", "--db", db, "--after", "495"])
        #expect(filtered.stdout.split(separator: "\n").count == 5)
        var bad = ndjsonEvents(20).split(separator: "\n").map(String.init)
        bad[12] = "{not json"
        try bad.joined(separator: "\n").write(toFile: dir + "/bad.ndjson", atomically: true, encoding: .utf8)
        let refused = try ledger(["import", dir + "/bad.ndjson", "--db", db])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("bad.ndjson:13: invalid JSON at byte 2: expected a key; nothing was imported"))
        #expect(try ledger(["export", "--db", db]).stdout.split(separator: "\n").count == 500)
    }

    @Test("eight processes appending at once keep every event in strict order")
    func eightWriters() throws {
        let dir = temporaryDirectory("cli")
        let db = dir + "/l.db"
        #expect(try ledger(["init", "--db", db]).status == 0)
        var processes: [Process] = []
        for n in 0..<8 {
            let file = dir + "/in\(n).ndjson"
            try ndjsonEvents(2_000, streamPrefix: "build-w\(n)").write(toFile: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ledgerBinary())
            process.arguments = ["import", file, "--db", db]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            processes.append(process)
        }
        // Small batches so that the writers interleave.
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let store = try EventStore(path: db, readOnly: true)
        var positions: [Int64] = []
        try store.events { positions.append($0.position) }
        #expect(positions.count == 16_000)
        #expect(positions == Array(1...16_000))
        #expect(try store.verify().problems.isEmpty)
    }

    @Test("kill -9 during an import leaves a journal that verifies, and a re-import completes it")
    func killedImport() async throws {
        let dir = temporaryDirectory("cli")
        let db = dir + "/l.db"
        let file = dir + "/big.ndjson"
        try ndjsonEvents(60_000).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ledger(["init", "--db", db]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ledgerBinary())
        process.arguments = ["import", file, "--db", db]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until some batches are in, then kill it hard.
        var written: Int64 = 0
        for _ in 0..<6_000 {
            try await Task.sleep(for: .milliseconds(20))
            written = (try? EventStore(path: db, readOnly: true).lastPosition()) ?? 0
            if written > 0 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let partial = try EventStore(path: db, readOnly: true).lastPosition()
        #expect(partial > 0 && partial < 60_000)
        #expect(try ledger(["verify", "--db", db]).status == 0)
        let again = try ledger(["import", file, "--db", db])
        #expect(again.status == 0)
        #expect(try EventStore(path: db, readOnly: true).lastPosition() == 60_000)
        #expect(try ledger(["verify", "--db", db]).status == 0)
    }

    @Test("a copied binary still opens and migrates a database (migrations are embedded)")
    func copiedBinary() throws {
        let dir = temporaryDirectory("cli")
        let copy = dir + "/ledger-copy"
        try FileManager.default.copyItem(atPath: ledgerBinary(), toPath: copy)
        let (status, out, err) = try shell(copy, ["init", "--db", dir + "/l.db"])
        #expect(status == 0, "\(err)")
        #expect(String(decoding: out, as: UTF8.self).contains("schema \(Migrations.latest)"))
    }

    @Test("logs --raw writes frames that lz4 -d decodes to the same bytes; verify names damage and exits 1")
    func logsAndVerify() throws {
        let dir = temporaryDirectory("cli")
        let db = dir + "/l.db"
        let store = try EventStore(path: db)
        let writer = try store.logWriter(id: "log-cli")
        let text = String(repeating: "Step 2/5 : RUN pip install --no-index -r requirements.txt\n", count: 40_000)
        try writer.append(text)
        try writer.close()
        let plain = try ledger(["logs", "log-cli", "--db", db])
        #expect(plain.stdout == text)
        let (status, raw, _) = try shell(ledgerBinary(), ["logs", "log-cli", "--raw", "--db", db])
        #expect(status == 0)
        let (lz4Status, decoded, _) = try shell("/usr/bin/lz4", ["-d", "-c", "-q"], stdin: raw)
        #expect(lz4Status == 0)
        #expect(decoded == Data(text.utf8))
        #expect(try ledger(["verify", "--db", db]).status == 0)
        // Flip one byte inside the stored frame, in the file itself.
        try store.checkpoint()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
        let marker = Data([0x04, 0x22, 0x4D, 0x18])  // LZ4 frame magic
        guard let at = bytes.range(of: marker) else {
            Issue.record("frame magic not found in the database file")
            return
        }
        bytes[at.lowerBound + 200] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: db))
        let verify = try ledger(["verify", "--db", db])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("damaged: log log-cli chunk "))
    }

    @Test("a garbage database gets a clear error and exit 2")
    func garbage() throws {
        let dir = temporaryDirectory("cli")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: dir + "/g.db"))
        let result = try ledger(["events", "--db", dir + "/g.db"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not a ledger database (no SQLite header)"))
    }
}
