import Foundation
import GRDB

/// A read model derived only from events. Its rows and its checkpoint are written in the same
/// transaction, so a crash never leaves one without the other.
public protocol Projection: Sendable {
    /// Stable name, the key of its checkpoint.
    var name: String { get }
    /// The tables it owns; `ledger rebuild` empties them before replaying.
    var tables: [String] { get }
    /// Applies one event. Unknown types must be ignored.
    func apply(_ event: RecordedEvent, in db: Database) throws
    /// Applies every event up to `upTo` at once (set-based) onto empty tables, or returns false when the
    /// projection only applies events one by one. Must leave the same rows as applying them one by one.
    func replayAll(upTo: Int64, in db: Database) throws -> Bool
    /// Applies the events just appended, whose positions are `(after, upTo]` without gaps. Must leave the same
    /// rows as applying `events` one by one, which is the default.
    func apply(_ events: [RecordedEvent], after: Int64, upTo: Int64, in db: Database) throws
    /// A replay from the first event that reads each event once, from the same scan of the journal as the other
    /// projections' replays, or nil (the default) to replay with ``replayAll(upTo:in:)``.
    func makeReplay(in db: Database) throws -> (any ProjectionReplay)?
}

/// A projection's replay from the first event in one shared pass over the journal (`ledger rebuild`). It must
/// leave the same rows as applying the events one by one; when it meets an event it cannot fold that way it
/// throws ``ReplayFallback``, and the store empties the projection's tables and replays it the slow way.
public protocol ProjectionReplay: AnyObject {
    /// Takes the next event in position order.
    func consume(_ event: StoredEventBytes) throws
    /// Called on the replay's thread after the last event (to sort rows while other replays still run).
    func prepare()
    /// Writes what is left once every event was consumed.
    func finish(in db: Database) throws
}

/// A replay gives up on the fast path: the projection is replayed with its SQL instead.
public struct ReplayFallback: Error, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// An event's stored columns as SQLite hands them out: valid only during ``ProjectionReplay/consume(_:)``.
public struct StoredEventBytes {
    public var position: Int64
    public var type: UnsafeBufferPointer<UInt8>
    public var stream: UnsafeBufferPointer<UInt8>
    public var occurredAt: UnsafeBufferPointer<UInt8>
    public var data: UnsafeBufferPointer<UInt8>
    public var metadata: UnsafeBufferPointer<UInt8>

    public init(
        position: Int64, type: UnsafeBufferPointer<UInt8>, stream: UnsafeBufferPointer<UInt8>,
        occurredAt: UnsafeBufferPointer<UInt8>, data: UnsafeBufferPointer<UInt8>, metadata: UnsafeBufferPointer<UInt8>
    ) {
        self.position = position
        self.type = type
        self.stream = stream
        self.occurredAt = occurredAt
        self.data = data
        self.metadata = metadata
    }

    /// True when `bytes` spell `literal`.
    public static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: [UInt8]) -> Bool {
        literal.withUnsafeBufferPointer { equal(bytes, $0) }
    }

    /// True when both hold the same bytes.
    public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return a.isEmpty }
        return memcmp(x, y, a.count) == 0
    }
}

extension Projection {
    /// By default a projection replays event by event.
    public func replayAll(upTo: Int64, in db: Database) throws -> Bool { false }

    /// By default a projection has no one-pass replay.
    public func makeReplay(in db: Database) throws -> (any ProjectionReplay)? { nil }

    /// By default a batch is applied event by event.
    public func apply(_ events: [RecordedEvent], after: Int64, upTo: Int64, in db: Database) throws {
        for event in events { try apply(event, in: db) }
    }
}

extension ProjectionReplay {
    /// Nothing to prepare by default.
    public func prepare() {}
}

extension EventStore {
    /// Applies `events` to every projection whose checkpoint is behind them (same transaction as the caller).
    func applyProjections(_ events: [RecordedEvent], in db: Database) throws {
        guard let last = events.last, !projections.isEmpty else { return }
        for projection in projections {
            let checkpoint = try Self.checkpoint(projection.name, in: db)
            // A projection behind the first new event must catch up from the journal first.
            if let first = events.first, checkpoint < first.position - 1 {
                try replay(projection, after: checkpoint, upTo: first.position - 1, in: db)
            }
            // Usually none of the batch is applied yet: pass it as it is rather than a filtered copy.
            let pending =
                checkpoint < (events.first?.position ?? 0) ? events : events.filter { $0.position > checkpoint }
            if let first = pending.first {
                try projection.apply(pending, after: first.position - 1, upTo: last.position, in: db)
            }
            try Self.setCheckpoint(projection.name, last.position, in: db)
        }
    }

    static func checkpoint(_ name: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT position FROM projection_checkpoints WHERE name = ?", arguments: [name])
            ?? 0
    }

    static func setCheckpoint(_ name: String, _ position: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO projection_checkpoints (name, position) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position
                """, arguments: [name, position])
    }

    func replay(_ projection: any Projection, after: Int64, upTo: Int64, in db: Database) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position",
            arguments: [after, upTo])
        while let row = try rows.next() { try projection.apply(Self.event(from: row), in: db) }
    }

    /// Brings every projection up to the last stored event, in batches of transactions.
    public func catchUpProjections(batch: Int64 = 50_000) throws {
        guard !projections.isEmpty, !isReadOnly else { return }
        let last = try lastPosition()
        // Projections at checkpoint 0 replay the whole journal together, in one transaction, onto emptied tables
        // (rows left by an older projection of the same tables are stale).
        try write { db in
            let fresh = try projections.filter { try Self.checkpoint($0.name, in: db) == 0 }
            guard !fresh.isEmpty, last > 0 else { return }
            try replayFromStart(fresh, upTo: last, in: db)
            for projection in fresh { try Self.setCheckpoint(projection.name, last, in: db) }
        }
        for projection in projections {
            while true {
                let done = try write { db -> Bool in
                    let checkpoint = try Self.checkpoint(projection.name, in: db)
                    guard checkpoint < last else { return true }
                    let upTo = min(last, checkpoint + batch)
                    try replay(projection, after: checkpoint, upTo: upTo, in: db)
                    try Self.setCheckpoint(projection.name, upTo, in: db)
                    return upTo >= last
                }
                if done { break }
            }
        }
    }

    /// Empties every projection's tables and replays the whole journal (`ledger rebuild`), in one
    /// transaction: readers see the old rows until it commits, and a killed rebuild changes nothing.
    /// Returns the number of events replayed.
    @discardableResult
    public func rebuildProjections() throws -> Int64 {
        try write { db in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0
            try replayFromStart(projections, upTo: last, in: db)
            for projection in projections { try Self.setCheckpoint(projection.name, last, in: db) }
            return last
        }
    }

    /// Empties the tables of `projections` and replays every event up to `upTo` onto them: the one-pass replays
    /// share one scan of the journal; the other projections, and any replay that fell back, replay through
    /// ``Projection/replayAll(upTo:in:)`` or event by event.
    func replayFromStart(_ projections: [any Projection], upTo: Int64, in db: Database) throws {
        // A large page cache while the tables are written (128 MiB).
        let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -131072")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
        for projection in projections {
            for table in projection.tables { try db.execute(sql: "DELETE FROM \(table)") }
        }
        var replays: [(index: Int, replay: any ProjectionReplay)] = []
        for (index, projection) in projections.enumerated() {
            if let replay = try projection.makeReplay(in: db) { replays.append((index, replay)) }
        }
        var slow = Set(projections.indices).subtracting(replays.map(\.index))
        if !replays.isEmpty {
            // The scan copies events into batches; each replay folds them on its own thread meanwhile.
            let workers = replays.map { ReplayWorker($0.replay, index: $0.index) }
            for worker in workers { worker.start() }
            do {
                // However the scan ends, the workers finish what they were sent before anything else happens.
                defer {
                    for worker in workers { worker.close() }
                    for worker in workers { worker.wait() }
                }
                let rows = try RawStatement(
                    """
                    SELECT position, type, stream, occurred_at, data, metadata FROM events WHERE position <= ?
                    ORDER BY position
                    """, in: db)
                rows.bind(1, upTo)
                var batch = EventBatch()
                while try rows.step() {
                    batch.append(rows)
                    if batch.isFull {
                        for worker in workers { worker.send(batch) }
                        batch = EventBatch()
                    }
                }
                if batch.count > 0 { for worker in workers { worker.send(batch) } }
            }
            for worker in workers {
                if let failure = worker.failure { throw failure }
                if worker.fallback != nil {
                    slow.insert(worker.index)
                } else {
                    try worker.replay.finish(in: db)
                }
            }
        }
        for index in slow.sorted() {
            let projection = projections[index]
            for table in projection.tables { try db.execute(sql: "DELETE FROM \(table)") }
            if try !projection.replayAll(upTo: upTo, in: db) {
                try replay(projection, after: 0, upTo: upTo, in: db)
            }
        }
    }
}
