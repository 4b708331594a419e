import Foundation
import LedgerEngine
import Synchronization
import Testing

/// Collects what the reader hands over (the reader calls it from its own thread, one call at a time).
final class CollectingSink: OutputBlockSink, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var blocks = 0
    private var idles = 0

    func consume(_ block: UnsafeRawBufferPointer, at now: ContinuousClock.Instant) {
        lock.withLock {
            bytes.append(contentsOf: block)
            blocks += 1
        }
    }

    func idle(at now: ContinuousClock.Instant) {
        lock.withLock { idles += 1 }
    }

    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    var counts: (bytes: Int, blocks: Int, idles: Int) { lock.withLock { (bytes.count, blocks, idles) } }
}

struct BlockReaderTests {
    @Test("stdout and stderr arrive on one pipe, in the order written, with the exit status")
    func joinedStreams() async throws {
        let sink = CollectingSink()
        let termination = try await ProcessRunner.streamBlocks(
            "sh", ["-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 3"], into: sink)
        #expect(termination.exitCode == 3)
        #expect(sink.text == "out1\nerr1\nout2\nerr2\n")
    }

    @Test("a loud child's 64 MB arrive whole, in blocks far larger than one write")
    func loudChild() async throws {
        let sink = CollectingSink()
        // 1,000,000 lines of 64 bytes, written by head in 4 KiB pieces.
        let termination = try await ProcessRunner.streamBlocks(
            "sh", ["-c", "yes 0123456789012345678901234567890123456789012345678901234567890AB | head -n 1000000"],
            into: sink)
        #expect(termination.succeeded)
        let counts = sink.counts
        #expect(counts.bytes == 64_000_000)
        #expect(counts.blocks < 64_000_000 / 8192, "\(counts.blocks) reads for 64 MB")
    }

    @Test("a grandchild that keeps the pipe open does not hold the build: the reader drains and stops")
    func grandchildHoldingThePipe() async throws {
        let sink = CollectingSink()
        let started = ContinuousClock.now
        // The grandchild sleeps far longer than any scheduling delay of a loaded test run (bounds: 120 vs 60 s).
        let termination = try await ProcessRunner.streamBlocks(
            "sh", ["-c", "sleep 120 & echo $!; echo parent done"], into: sink)
        let elapsed = started.duration(to: .now)
        let lines = sink.text.split(separator: "\n")
        if let pid = lines.first.flatMap({ Int32($0) }) { kill(pid, SIGKILL) }
        #expect(termination.succeeded)
        #expect(lines.last == "parent done")
        #expect(elapsed < .seconds(60))
    }

    @Test("a quiet child gets idle calls while nothing arrives")
    func idleCalls() async throws {
        let sink = CollectingSink()
        _ = try await ProcessRunner.streamBlocks("sh", ["-c", "echo a; sleep 1.2; echo b"], into: sink)
        #expect(sink.text == "a\nb\n")
        #expect(sink.counts.idles >= 1)
    }

    @Test("cancelling the task stops the child and returns after the reader has finished")
    func cancellation() async throws {
        let sink = CollectingSink()
        let task = Task {
            try await ProcessRunner.streamBlocks("sh", ["-c", "echo started; exec sleep 300"], into: sink)
        }
        while !sink.text.contains("started") { try await Task.sleep(for: .milliseconds(20)) }
        let started = ContinuousClock.now
        task.cancel()
        let termination = try await task.value
        #expect(termination.stoppedByLedger)
        #expect(started.duration(to: .now) < .seconds(120))
    }

    @Test("a missing executable is an error before anything starts")
    func missingExecutable() async throws {
        await #expect(throws: ProcessError.self) {
            try await ProcessRunner.streamBlocks("ledger-no-such-tool", [], into: CollectingSink())
        }
    }
}
