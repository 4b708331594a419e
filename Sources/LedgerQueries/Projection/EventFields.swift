import GRDB
import LedgerStore

/// Reads payload fields with SQLite's JSON functions, so a projection never builds Swift objects for an event.
///
/// > SQLite: "The ->> operator returns an SQL TEXT, INTEGER, REAL, or NULL value representing the selected
/// > subcomponent." (json1.html)
enum EventFields {
    /// The payload in its current shape (older schema versions upcast).
    static func data(of event: RecordedEvent) -> String {
        Upcasters.upcast(type: event.type, schemaVersion: event.schemaVersion, data: event.data)
    }

    /// Fetches `paths` (JSON paths such as `$.build_id`) from the payload in one statement; nil when the
    /// payload is not valid JSON.
    static func fetch(_ paths: [String], of event: RecordedEvent, in db: Database) throws -> Row? {
        let columns = paths.indices.map { "?1 ->> ?\($0 + 2)" }.joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "SELECT \(columns) WHERE json_valid(?1)")
        var arguments: StatementArguments = [data(of: event)]
        for path in paths { arguments += [path] }
        return try Row.fetchOne(statement, arguments: arguments)
    }

    /// Unix seconds of an RFC 3339 time (0 when SQLite cannot read it).
    static func seconds(_ text: String, in db: Database) throws -> Double {
        let statement = try db.cachedStatement(sql: "SELECT (julianday(?) - 2440587.5) * 86400.0")
        return try Double.fetchOne(statement, arguments: [text]) ?? 0
    }

    /// Runs a cached statement with arguments.
    static func execute(_ sql: String, _ arguments: StatementArguments, in db: Database) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Runs `body` over `(0, upTo]` in position windows, so that with a large page cache each window's events
    /// are read once however many statements (one per event type) go over them.
    static func inWindows(upTo: Int64, _ body: (Int64, Int64) throws -> Void) throws {
        var low: Int64 = 0
        while low < upTo {
            let high = min(upTo, low + 20_000)
            try body(low, high)
            low = high
        }
    }
}
