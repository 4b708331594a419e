import Foundation
import LedgerStore

/// Compresses and stores a log's chunks on a thread of its own, at most four chunks behind the output reader.
///
/// LZ4 and SQLite take most of the CPU a loud build costs ledger (about 0.3 s and 0.2 s for 300 MB here);
/// on their own thread they run beside the reader and the engine instead of between two pipe reads, and a
/// chunk is one hand-off per megabyte. The reader waits when four chunks are queued, so memory stays bounded;
/// four absorb a WAL checkpoint's `fdatasync` (up to ~35 ms here; with two the reader waited 20-70 ms a build).
final class ChunkWriter: @unchecked Sendable {
    private let log: LogWriter
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [[UInt8]] = []
    private var closed = false
    private var done = false
    private var failure: (any Error)?

    /// Starts the writing thread for `log`.
    init(log: LogWriter) {
        self.log = log
        let thread = Thread { [self] in self.run() }
        thread.name = "ledger.log-writer"
        thread.start()
    }

    /// Chunks queued at most.
    static let depth = 4

    /// Queues a chunk (redacted, complete lines), waiting while ``depth`` are queued.
    func submit(_ chunk: [UInt8]) {
        condition.lock()
        while queue.count >= Self.depth { condition.wait() }
        queue.append(chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every queued chunk is stored; returns the first error storing one.
    func finish() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !done { condition.wait() }
        return failure
    }

    private func run() {
        condition.lock()
        while true {
            while queue.isEmpty && !closed { condition.wait() }
            guard let chunk = queue.first else { break }
            condition.unlock()
            var error: (any Error)?
            do { try chunk.withUnsafeBytes { try log.writeChunk($0) } } catch let failed { error = failed }
            condition.lock()
            if failure == nil { failure = error }
            queue.removeFirst()
            condition.broadcast()
        }
        done = true
        condition.broadcast()
        condition.unlock()
    }
}
