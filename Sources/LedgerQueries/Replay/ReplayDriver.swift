import GRDB
import LedgerStore

/// A projection folded in memory from events in position order (``BuildReplay``, ``TestReplay``).
protocol EventFold {
    /// The event types it reads, as bytes; `apply` gets the index of the matching one.
    static var types: [[UInt8]] { get }
    /// The payload fields it reads.
    static var keys: Payload.Keys { get }
    /// Whether an event of `types[type]` concerns it (beyond its type).
    static func wants(type: Int, _ event: StoredEventBytes) -> Bool
    init()
    /// Folds one event whose payload `p` was read.
    mutating func apply(type: Int, _ p: Payload, _ event: StoredEventBytes) throws
    /// Puts the rows in their tables' key order.
    mutating func sortForWrite()
    /// Writes the rows.
    mutating func write(in db: Database) throws
}

extension EventFold {
    static func wants(type: Int, _ event: StoredEventBytes) -> Bool { true }
}

/// The ``ProjectionReplay`` the store drives for a fold: one event at a time on the replay's thread, then the
/// sort there and the writes on the store's.
final class ReplayDriver<Fold: EventFold>: ProjectionReplay {
    var fold = Fold()
    var payload = Payload(keys: Fold.keys)

    func consume(_ event: StoredEventBytes) throws {
        guard let type = Fold.types.firstIndex(where: { StoredEventBytes.equal(event.type, $0) }),
            Fold.wants(type: type, event)
        else { return }
        try payload.read(event.data)
        try fold.apply(type: type, payload, event)
    }

    func prepare() { fold.sortForWrite() }

    func finish(in db: Database) throws { try fold.write(in: db) }
}
