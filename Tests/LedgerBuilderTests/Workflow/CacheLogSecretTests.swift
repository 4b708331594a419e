import Foundation
import LedgerBuilder
import LedgerEngine
import LedgerStore
import Testing

struct CacheLogSecretTests {
    @Test func secondBuildIsWarmWithStepCacheHits() async throws {
        let marker = UUID().uuidString
        let context = try await Harness.context([
            "Dockerfile": "FROM \(Harness.base)\nRUN echo \(marker) > /marker\nCOPY a.txt /a.txt\n",
            "a.txt": "a\n",
        ])
        let store = try Harness.store()
        let tag = Harness.tag("cache")
        let options = try await Harness.options(context: context, tag: tag)
        defer { Task { await Harness.removeImages([tag]) } }
        let first = try await Builder(store: store, options: options).run()
        let second = try await Builder(store: store, options: options).run()
        #expect(first.success && second.success)
        #expect(first.attempts.first?.cache == "cold")
        #expect(first.attempts.first?.cachedSteps == 0)
        #expect(second.attempts.first?.cache == "warm")
        #expect(second.attempts.first?.cachedSteps == 2)
        #expect(second.attempts.first?.steps == 3)
        #expect(first.imageId == second.imageId)
        let finished = try Harness.events(BuildAttemptFinished.self, in: store, build: second.buildId)
        #expect(finished.first?.cache == "warm")
        let steps = try Harness.events(BuildStepFinished.self, in: store, build: second.buildId)
        #expect(steps.map(\.cached) == [false, true, true])
        #expect(steps.map(\.total) == [3, 3, 3])
    }

    @Test func logReadsBackAndItsFramesDecodeWithStockLZ4() async throws {
        let context = try await Harness.context([
            "Dockerfile": "FROM \(Harness.base)\nRUN seq 1 20000 && echo \(UUID().uuidString)\n"
        ])
        let store = try Harness.store()
        let tag = Harness.tag("log")
        let summary = try await Builder(store: store, options: try await Harness.options(context: context, tag: tag))
            .run()
        defer { Task { await Harness.removeImages([tag]) } }
        #expect(summary.success)
        let logId = try #require(summary.attempts.first?.logId)
        let text = try Harness.log(logId, in: store)
        #expect(text.contains("Step 2/2 : RUN seq 1 20000"))
        #expect(text.contains("\n19999\n20000\n"))
        var frames = Data()
        try store.readLogFrames(id: logId) { frames.append($0) }
        let file = NSTemporaryDirectory() + "ledger-frames-\(UUID().uuidString).lz4"
        try frames.write(to: URL(fileURLWithPath: file))
        let decoded = try await ProcessRunner.capture("lz4", ["-d", "-c", file], timeout: .seconds(30))
        #expect(decoded.termination.succeeded)
        #expect(decoded.stdout == text)
    }

    @Test func secretsNeverReachTheJournal() async throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        let awsKey = "AKIA" + "IOSFODNN7EXAMPLE"
        let dockerfile = """
            FROM \(Harness.base)
            ARG TOKEN
            ARG PLAIN
            RUN echo "token=$TOKEN plain=$PLAIN key=\(awsKey)"
            """
        let context = try await Harness.context(["Dockerfile": dockerfile])
        let store = try Harness.store()
        let tag = Harness.tag("secret")
        var options = try await Harness.options(context: context, tag: tag)
        options.buildArgs = ["PLAIN=visible"]
        options.secretBuildArgs = ["TOKEN=\(secret)"]
        let notes = Notes()
        let summary = try await Builder(
            store: store, options: options, observer: BuildObserver(note: { notes.add($0) })
        ).run()
        defer { Task { await Harness.removeImages([tag]) } }
        #expect(summary.success)
        let log = try Harness.log(try #require(summary.attempts.first?.logId), in: store)
        #expect(log.contains("token=[REDACTED] plain=visible key=[REDACTED]"))
        #expect(!log.contains(secret) && !log.contains(awsKey))
        var everything = ""
        try store.events { everything += $0.data + $0.metadata }
        #expect(!everything.contains(secret))
        let started = try #require(Harness.events(BuildStarted.self, in: store, build: summary.buildId).first)
        #expect(started.secretBuildArgs == ["TOKEN"])
        #expect(started.buildArgs == ["PLAIN": "visible"])
        for suffix in ["", "-wal", "-shm"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: store.path + suffix))) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "secret found in \(store.path + suffix)")
        }
        if options.buildkitVersion == nil {
            #expect(notes.lines.contains { $0.hasPrefix("warning:") && $0.contains("history keeps") })
        }
    }
}

/// Collects observer notes across threads.
final class Notes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
