import Foundation
import GRDB
import Synchronization

/// Appends one log to the store in chunks of about 1 MiB raw while it streams in.
///
/// A chunk is written when the buffer reaches ``chunkSize`` or a second after the last write, whichever
/// comes first, so an interrupted build keeps its log up to its last second.
public final class LogWriter: Sendable {
    /// The log's id (`log_id` in events).
    public let id: String
    /// Raw bytes per chunk.
    public static let chunkSize = 1 << 20
    private let store: EventStore
    private struct State {
        var buffer = Data()
        var sequence = 0
        var rawBytes: Int64 = 0
        var lastFlush = ContinuousClock.now
        var closed = false
        var error: StoreError?
    }
    private let state = Mutex(State())
    // Only created in init and cancelled; Dispatch sources are thread-safe.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer

    init(store: EventStore, id: String) throws {
        self.store = store
        self.id = id
        let next = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM log_chunks WHERE log_id = ?", arguments: [id]) ?? 0
        }
        state.withLock { $0.sequence = next }
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "ledger.log-flush"))
        timer.schedule(deadline: .now() + 1, repeating: 1.0)
        timer.setEventHandler { [weak self] in self?.flushIfDue() }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }

    /// Raw bytes appended so far.
    public var rawBytes: Int64 { state.withLock { $0.rawBytes } }

    /// Appends bytes; writes full chunks as they fill.
    public func append(_ data: Data) throws {
        var pending: [(Int, Data)] = []
        try state.withLock { s in
            if let error = s.error { throw error }
            precondition(!s.closed, "append after close")
            s.buffer.append(data)
            s.rawBytes += Int64(data.count)
            guard s.buffer.count >= Self.chunkSize else { return }
            var offset = s.buffer.startIndex
            while s.buffer.endIndex - offset >= Self.chunkSize {
                s.sequence += 1
                pending.append((s.sequence, Data(s.buffer[offset..<(offset + Self.chunkSize)])))
                offset += Self.chunkSize
            }
            // A fresh buffer for the rest: `Data.removeFirst` keeps the whole backing store alive.
            s.buffer = Data(s.buffer[offset...])
            s.lastFlush = .now
        }
        for (sequence, chunk) in pending { try write(sequence: sequence, chunk: chunk) }
    }

    /// Writes `bytes` now as one chunk of its own, for a caller that does its own chunking (at most about
    /// ``chunkSize`` bytes at a time, and a second apart when output is slow). Bytes given to ``append(_:)``
    /// and not yet written go first.
    public func writeChunk(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try flush()
        let sequence = try state.withLock { s in
            if let error = s.error { throw error }
            precondition(!s.closed, "write after close")
            s.sequence += 1
            s.rawBytes += Int64(bytes.count)
            s.lastFlush = .now
            return s.sequence
        }
        try write(sequence: sequence, chunk: bytes)
    }

    /// Appends a string as UTF-8.
    public func append(_ text: String) throws {
        try append(Data(text.utf8))
    }

    /// Writes what is buffered now.
    public func flush() throws {
        let pending: (Int, Data)? = state.withLock { s in
            guard !s.buffer.isEmpty else { return nil }
            s.sequence += 1
            defer {
                s.buffer = Data()
                s.lastFlush = .now
            }
            return (s.sequence, s.buffer)
        }
        if let (sequence, chunk) = pending { try write(sequence: sequence, chunk: chunk) }
    }

    /// Flushes and stops the timer.
    public func close() throws {
        timer.cancel()
        try flush()
        try state.withLock { s in
            s.closed = true
            if let error = s.error { throw error }
        }
    }

    private func flushIfDue() {
        let due = state.withLock { s in !s.closed && !s.buffer.isEmpty && s.lastFlush.duration(to: .now) >= .seconds(1)
        }
        guard due else { return }
        do { try flush() } catch {
            state.withLock { $0.error = error as? StoreError ?? .io(path: store.path, detail: "\(error)") }
        }
    }

    private func write(sequence: Int, chunk: Data) throws {
        try chunk.withUnsafeBytes { try write(sequence: sequence, chunk: $0) }
    }

    private func write(sequence: Int, chunk: UnsafeRawBufferPointer) throws {
        let frame: Data
        do { frame = try LZ4Frame.compress(chunk) } catch {
            throw StoreError.badFrame(logId: id, sequence: sequence, detail: "\(error)")
        }
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO log_chunks (log_id, sequence, raw_size, frame, written_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, sequence, chunk.count, frame, Timestamp.format(Date())])
        }
    }
}

extension EventStore {
    /// A writer for a new or continued log.
    public func logWriter(id: String = UUID().uuidString.lowercased()) throws -> LogWriter {
        try LogWriter(store: self, id: id)
    }

    /// Whether any chunk of this log is stored.
    public func logExists(id: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM log_chunks WHERE log_id = ? LIMIT 1", arguments: [id]) ?? false
        }
    }

    /// Streams a log's decoded chunks in order, one chunk in memory at a time.
    public func readLog(id: String, _ body: (Data) throws -> Void) throws {
        try chunks(ofLog: id) { sequence, rawSize, frame in
            let data: Data
            do { data = try LZ4Frame.decompress(frame, expectedSize: rawSize) } catch {
                throw StoreError.badFrame(logId: id, sequence: sequence, detail: "\(error)")
            }
            try body(data)
        }
    }

    /// Streams a log's stored LZ4 frames as they are (concatenated frames decode with `lz4 -d`).
    public func readLogFrames(id: String, _ body: (Data) throws -> Void) throws {
        try chunks(ofLog: id) { _, _, frame in try body(frame) }
    }

    func chunks(ofLog id: String, _ body: (Int, Int, Data) throws -> Void) throws {
        var found = false
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sequence, raw_size, frame FROM log_chunks WHERE log_id = ? ORDER BY sequence",
                arguments: [id])
            while let row = try rows.next() {
                found = true
                try body(row["sequence"], row["raw_size"], row["frame"])
            }
        }
        if !found { throw StoreError.unknownLog(id: id) }
    }
}
