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
}

extension Projection {
    /// By default a projection replays event by event.
    public func replayAll(upTo: Int64, in db: Database) throws -> Bool { false }

    /// By default a batch is applied event by event.
    public func apply(_ events: [RecordedEvent], after: Int64, upTo: Int64, in db: Database) throws {
        for event in events { try apply(event, in: db) }
    }
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
        for projection in projections {
            while true {
                let done = try write { db -> Bool in
                    let checkpoint = try Self.checkpoint(projection.name, in: db)
                    guard checkpoint < last else { return true }
                    // From checkpoint 0 a projection may replay the whole journal set-based, in one transaction,
                    // onto emptied tables (rows left by an older projection of the same tables are stale).
                    if checkpoint == 0 {
                        for table in projection.tables { try db.execute(sql: "DELETE FROM \(table)") }
                    }
                    if checkpoint == 0, try projection.replayAll(upTo: last, in: db) {
                        try Self.setCheckpoint(projection.name, last, in: db)
                        return true
                    }
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
            for projection in projections {
                for table in projection.tables { try db.execute(sql: "DELETE FROM \(table)") }
                if try !projection.replayAll(upTo: last, in: db) {
                    try replay(projection, after: 0, upTo: last, in: db)
                }
                try Self.setCheckpoint(projection.name, last, in: db)
            }
            return last
        }
    }
}
