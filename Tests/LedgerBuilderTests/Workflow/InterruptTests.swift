import Foundation
import LedgerStore
import Testing

/// Ctrl-C and kill -9 of a real `ledger build` child process (the built binary).
@Suite(.serialized)
struct InterruptTests {
    /// Starts `ledger build` on a context whose RUN step sleeps; returns once the step is running.
    static func startSleepingBuild(seconds: Int, tag: String) async throws -> (Process, String, String) {
        let marker = UUID().uuidString
        let context = try await Harness.context([
            "Dockerfile": "FROM \(Harness.base)\nRUN echo started-\(marker) && sleep \(seconds)\n"
        ])
        let folder = NSTemporaryDirectory() + "ledger-int-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = "\(folder)/ledger.db"
        let stderrPath = "\(folder)/stderr"
        #expect(FileManager.default.createFile(atPath: stderrPath, contents: nil))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Harness.ledgerBinary())
        process.arguments = [
            "build", "--db", db, "--context", context, "--tag", tag, "--network", "none", "--format", "json",
        ]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            if text.contains("started-\(marker)") { return (process, db, marker) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        Issue.record("the build never reached its RUN step: \(text)")
        throw CancellationError()
    }

    static func wait(_ process: Process, within seconds: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        return !process.isRunning
    }

    @Test func ctrlCStopsTheBuildRecordsInterruptedAndExits130() async throws {
        let tag = Harness.tag("sigint")
        let (process, db, _) = try await Self.startSleepingBuild(seconds: 120, tag: tag)
        kill(process.processIdentifier, SIGINT)
        // The engine's build is stopped, not waited for: well under the step's 120 s.
        #expect(try await Self.wait(process, within: 30))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130)
        let store = try EventStore(path: db)
        let finished = try store.stream(try #require(try Self.buildStream(store)))
        let attempt = try #require(finished.compactMap { $0.decode(BuildAttemptFinished.self) }.first)
        #expect(attempt.status == "interrupted")
        #expect(attempt.failureClass == "interrupted")
        let build = try #require(finished.compactMap { $0.decode(BuildFinished.self) }.first)
        #expect(build.status == "interrupted")
        #expect(!build.success)
        await Harness.removeImages([tag])
    }

    @Test func killNineLeavesAnAttemptWhoseWriterIsGoneWithItsPartialLog() async throws {
        let tag = Harness.tag("kill9")
        let (process, db, marker) = try await Self.startSleepingBuild(seconds: 6, tag: tag)
        // The log writer flushes every second: wait past a flush (with room for a loaded machine), then kill
        // without warning.
        try await Task.sleep(for: .milliseconds(2500))
        kill(process.processIdentifier, SIGKILL)
        #expect(try await Self.wait(process, within: 10))
        let store = try EventStore(path: db)
        let events = try store.stream(try #require(try Self.buildStream(store)))
        let started = try #require(events.first { $0.type == BuildAttemptStarted.eventType })
        #expect(!events.contains { $0.type == BuildAttemptFinished.eventType })
        #expect(!events.contains { $0.type == BuildFinished.eventType })
        #expect(started.decodedMetadata?.writerIsGone == true)
        let logId = try #require(started.decode(BuildAttemptStarted.self)?.logId)
        #expect(try Harness.log(logId, in: store).contains("started-\(marker)"))
        // The orphaned engine client finishes its 6 s step on its own; then the tag can go.
        try await Task.sleep(for: .seconds(5))
        await Harness.removeImages([tag])
    }

    static func buildStream(_ store: EventStore) throws -> String? {
        var stream: String?
        try store.events(type: BuildStarted.eventType) { stream = $0.stream }
        return stream
    }
}
