import Foundation
import GRDB

/// What an import did.
public struct ImportSummary: Sendable, Equatable {
    /// Events read from the sources.
    public var read: Int
    /// Events newly written.
    public var imported: Int
    /// Events already present (same id), skipped.
    public var skipped: Int
}

extension EventStore {
    /// Imports of up to this many events are parsed once; larger ones are parsed again in pass 2.
    static let keepParsedLimit = 250_000

    /// Imports NDJSON files or other ledger databases.
    ///
    /// Every line of every source is validated before anything is written; then events are written in
    /// atomic batches. Import is idempotent by event id, so re-running a killed import completes it.
    public func importEvents(from paths: [String], batchSize: Int = 50_000) throws -> ImportSummary {
        // Pass 1: validate everything.
        var total = 0
        // Small imports keep what pass 1 parsed; large ones parse again rather than hold everything.
        var parsed: [NewEvent]? = []
        try read { db in
            for path in paths {
                total += try forEachSourceEvent(path) { event, line in
                    if parsed != nil {
                        parsed?.append(event)
                        if parsed?.count ?? 0 > Self.keepParsedLimit { parsed = nil }
                    }
                    guard let version = event.streamVersion else { return }
                    let holder = try String.fetchOne(
                        db, sql: "SELECT id FROM events WHERE stream = ? AND stream_version = ?",
                        arguments: [event.stream, version])
                    if let holder, holder != event.id {
                        throw StoreError.conflictingEvent(
                            source: path, line: line,
                            reason: "stream \(event.stream) version \(version) is already event \(holder)")
                    }
                }
            }
        }
        // Pass 2: write in batches. A larger page cache keeps a batch's dirty index pages from spilling
        // into the WAL before commit (SQLite's default cache is 2 MiB).
        try setCacheSize(kibibytes: 64 * 1024)
        defer { try? setCacheSize(kibibytes: 2 * 1024) }
        var summary = ImportSummary(read: total, imported: 0, skipped: 0)
        let metadata = try Self.currentMetadataJSON()
        var batch: [NewEvent] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            let written = try write { db in try insert(batch, expected: .any, defaultMetadata: metadata, in: db) }
            summary.imported += written.count
            summary.skipped += batch.count - written.count
            batch.removeAll(keepingCapacity: true)
        }
        if let parsed {
            for event in parsed {
                batch.append(event)
                if batch.count >= batchSize { try flush() }
            }
        } else {
            for path in paths {
                _ = try forEachSourceEvent(path) { event, _ in
                    batch.append(event)
                    if batch.count >= batchSize { try flush() }
                }
            }
        }
        try flush()
        return summary
    }

    func setCacheSize(kibibytes: Int) throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -\(kibibytes)") }
    }

    /// Reads a source's events in order: a ledger database (by its SQLite header) or NDJSON.
    func forEachSourceEvent(_ path: String, _ body: (NewEvent, Int) throws -> Void) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.io(path: path, detail: "cannot be read: check the path")
        }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if head == Data("SQLite format 3\0".utf8) {
            let other = try EventStore(path: path, readOnly: true)
            var count = 0
            try other.events { event in
                count += 1
                try body(
                    NewEvent(
                        id: event.id, stream: event.stream, type: event.type, schemaVersion: event.schemaVersion,
                        occurredAt: event.occurredAt, data: event.data, metadata: event.metadata,
                        streamVersion: event.streamVersion), count)
            }
            return count
        }
        var count = 0
        try LineReader.forEachLine(path: path) { line, number in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            count += 1
            try body(try EventLine.decode(line, source: path, line: number), number)
        }
        return count
    }
}

/// Reads a file line by line in fixed-size blocks, never holding the whole file.
public enum LineReader {
    /// Calls `body` with each line's bytes (without the newline) and its 1-based number.
    public static func forEachLine(path: String, _ body: ([UInt8], Int) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.io(path: path, detail: "cannot be read")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var number = 0
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw StoreError.io(path: path, detail: "read failed: \(error.localizedDescription)")
            }
            if block.isEmpty { break }
            var start = 0
            let bytes = [UInt8](block)
            for index in bytes.indices where bytes[index] == 0x0A {
                pending.append(contentsOf: bytes[start..<index])
                number += 1
                try body(pending, number)
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending.append(contentsOf: bytes[start...])
        }
        if !pending.isEmpty {
            number += 1
            try body(pending, number)
        }
    }
}
