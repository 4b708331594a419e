import Foundation

/// Events copied out of SQLite's row buffers, so that replays can read them on other threads while the scan goes
/// on. Immutable once handed to the workers.
final class EventBatch: @unchecked Sendable {
    private var bytes: [UInt8] = []
    private var positions: [Int64] = []
    /// Per event, where each of its five columns ends in `bytes` (after the previous event's last end).
    private var ends: [Int] = [0]

    static let capacity = 2048

    init() {
        bytes.reserveCapacity(Self.capacity * 256)
        positions.reserveCapacity(Self.capacity)
        ends.reserveCapacity(Self.capacity * 5 + 1)
    }

    var count: Int { positions.count }
    var isFull: Bool { positions.count >= Self.capacity }

    /// Copies the current row of `SELECT position, type, stream, occurred_at, data, metadata`.
    func append(_ rows: RawStatement) {
        positions.append(rows.int64(0))
        for column in Int32(1)...5 {
            bytes.append(contentsOf: rows.bytes(column))
            ends.append(bytes.count)
        }
    }

    /// Calls `body` with each event in order; the bytes are valid during the call only.
    func forEach(_ body: (StoredEventBytes) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            func column(_ event: Int, _ k: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: all[ends[event * 5 + k]..<ends[event * 5 + k + 1]])
            }
            for event in 0..<positions.count {
                try body(
                    StoredEventBytes(
                        position: positions[event], type: column(event, 0), stream: column(event, 1),
                        occurredAt: column(event, 2), data: column(event, 3), metadata: column(event, 4)))
            }
        }
    }
}

/// Runs one projection's replay on its own thread, fed batches through a short queue (at most four waiting, so
/// memory stays bounded whatever the journal's size).
final class ReplayWorker: @unchecked Sendable {
    let replay: any ProjectionReplay
    let index: Int
    private let condition = NSCondition()
    private var queue: [EventBatch] = []
    private var closed = false
    private let done = DispatchSemaphore(value: 0)
    /// Why the replay gave up, when it did (read after ``wait()``).
    private(set) var fallback: ReplayFallback?
    /// Any other error of the replay (read after ``wait()``).
    private(set) var failure: (any Error)?

    init(_ replay: any ProjectionReplay, index: Int) {
        self.replay = replay
        self.index = index
    }

    func start() {
        let thread = Thread { self.run() }
        thread.name = "ledger-replay-\(index)"
        thread.start()
    }

    func send(_ batch: EventBatch) {
        condition.lock()
        while queue.count >= 4 { condition.wait() }
        queue.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// No more batches; the worker ends once the queue is drained.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() { done.wait() }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty, !closed { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            guard fallback == nil, failure == nil else { continue }
            do {
                try batch.forEach { try replay.consume($0) }
            } catch let reason as ReplayFallback {
                fallback = reason
            } catch {
                failure = error
            }
        }
        if fallback == nil, failure == nil { replay.prepare() }
        done.signal()
    }
}
