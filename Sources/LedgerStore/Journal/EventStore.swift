import Crypto
import Foundation
import GRDB

/// The journal: one SQLite file of append-only events with a hash chain, LZ4 log chunks and projections.
///
/// This is the one type that touches SQLite. Writes run in `BEGIN IMMEDIATE` transactions with a busy
/// timeout, so several processes can append to one file at once.
///
/// > SQLite: "BEGIN IMMEDIATE ... causes the database connection to start a new write immediately,
/// > without waiting for a write statement." (lang_transaction.html)
public final class EventStore: Sendable {
    /// The database file.
    public let path: String
    /// True when opened read-only: nothing is ever written.
    public let isReadOnly: Bool
    let queue: DatabaseQueue
    let projections: [any Projection]

    /// Opens (and when writable, creates and migrates) the journal at `path`.
    ///
    /// - Parameters:
    ///   - readOnly: open without writing anything; the file must exist and be fully migrated.
    ///   - projections: the read models to keep caught up after every append.
    public init(
        path: String, readOnly: Bool = false, projections: [any Projection] = [],
        migrations: [Migration] = Migrations.embedded
    ) throws {
        self.path = path
        self.isReadOnly = readOnly
        self.projections = projections
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            if readOnly { throw StoreError.missingDatabase(path: path) }
            try Self.createFile(path: path)
        }
        try Self.checkHeader(path: path)
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(60)
        config.label = "ledger"
        if !readOnly { config.journalMode = .wal }
        config.prepareDatabase { db in
            // Apply pragmas that keep WAL writes durable yet quick.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        do {
            queue = try Self.openQueue(path: path, configuration: config)
            if readOnly {
                let pending = try queue.read { db in try Migrations.pending(db, path: path, migrations: migrations) }
                if !pending.isEmpty {
                    throw StoreError.notADatabase(
                        path: path, detail: "schema is behind this ledger; run `ledger init --db \(path)` to migrate")
                }
            } else {
                try Migrations.migrate(queue, path: path, migrations: migrations)
                try catchUpProjections()
            }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Opens the connection. A WAL database on a read-only filesystem can't create its `-shm` file, so a
    /// read-only open there falls back to SQLite's `immutable` URI parameter.
    ///
    /// > SQLite: "immutable=1 ... SQLite assumes that the database file cannot be changed, even by a process
    /// > with higher privilege" (uri.html) — true of a read-only mount.
    static func openQueue(path: String, configuration: Configuration) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            if configuration.readonly {
                try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") }
            }
            return queue
        } catch let error as DatabaseError where configuration.readonly && error.resultCode == .SQLITE_CANTOPEN {
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard !FileManager.default.isWritableFile(atPath: dir) || Self.onReadOnlyMount(path) else { throw error }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute
            return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
        }
    }

    static func onReadOnlyMount(_ path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return false }
        return info.f_flag & UInt(ST_RDONLY) != 0
    }

    /// The default journal path: `LEDGER_DB`, else `./.ledger/ledger.db`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LEDGER_DB"], !path.isEmpty { return path }
        return ".ledger/ledger.db"
    }

    static func createFile(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.io(
                    path: dir, detail: "cannot create the journal folder: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            let detail = String(cString: strerror(errno))
            if errno == EROFS || errno == EACCES { throw StoreError.readOnly(path: path, detail: detail) }
            if errno == ENOSPC { throw StoreError.diskFull(path: path) }
            throw StoreError.io(path: path, detail: "cannot create the journal: \(detail)")
        }
        close(fd)
    }

    /// Refuses files that are not SQLite, or that are shorter than their header says (truncated),
    /// before SQLite opens them, so that such a file is never written to.
    static func checkHeader(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.io(path: path, detail: "cannot be read")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        if header.isEmpty { return }
        let magic = Data("SQLite format 3\0".utf8)
        guard header.count == 100, header.prefix(16) == magic else {
            throw StoreError.notADatabase(path: path, detail: "no SQLite header")
        }
        // > The database page size in bytes (offset 16, 2 bytes) ... In-header database size (offset 28,
        // > 4 bytes) ... valid only if it is nonzero and the change counter at offset 24 matches the
        // > version-valid-for number at offset 92. (fileformat.html)
        let bytes = [UInt8](header)
        func be32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        var pageSize = Int(UInt16(bytes[16]) << 8 | UInt16(bytes[17]))
        if pageSize == 1 { pageSize = 65536 }
        let pages = Int(be32(28))
        // With a non-empty write-ahead log the main file may lag its header (an interrupted checkpoint,
        // e.g. on a full disk): the WAL still holds those pages, so the size says nothing then.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        if pages > 0, be32(24) == be32(92), walSize == 0 {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size < pageSize * pages {
                throw StoreError.notADatabase(
                    path: path, detail: "truncated: \(size) bytes, header says \(pageSize * pages)")
            }
        }
    }

    static func map(_ error: any Error, path: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_FULL: return StoreError.diskFull(path: path)
        case .SQLITE_READONLY:
            return StoreError.readOnly(path: path, detail: error.message ?? "read-only")
        case .SQLITE_CANTOPEN where !FileManager.default.isWritableFile(atPath: path):
            return StoreError.readOnly(path: path, detail: error.message ?? "read-only")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError.notADatabase(path: path, detail: error.message ?? "damaged")
        default:
            return StoreError.sqlite(path: path, code: error.extendedResultCode.rawValue, message: error.message ?? "")
        }
    }

    /// Runs `body` in one immediate write transaction, mapping SQLite errors.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: path, detail: "opened read-only") }
        do {
            var result: T?
            try queue.inTransaction(.immediate) { db in
                result = try body(db)
                return .commit
            }
            guard let result else { preconditionFailure("transaction committed without a result") }
            return result
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Runs `body` with a read-only view of the database (queries read projections this way).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Copies the write-ahead log into the main file and empties it (for backups and file-level copies).
    public func checkpoint() throws {
        do {
            try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    // MARK: - Appending

    /// Appends events in one transaction and brings the projections up to date in the same transaction.
    ///
    /// An event whose id is already stored is skipped (idempotent append). `expected` is checked against
    /// the stream of the first event. Returns the events written (skipped ones excluded).
    @discardableResult
    public func append(_ events: [NewEvent], expected: ExpectedVersion = .any) throws -> [RecordedEvent] {
        guard !events.isEmpty else { return [] }
        let metadata = try Self.currentMetadataJSON()
        return try write { db in
            try self.insert(events, expected: expected, defaultMetadata: metadata, in: db)
        }
    }

    /// Appends one domain event to `stream`.
    @discardableResult
    public func append<T: DomainEvent>(_ event: T, to stream: String, expected: ExpectedVersion = .any) throws
        -> RecordedEvent?
    {
        try append([NewEvent(event, stream: stream)], expected: expected).first
    }

    static func currentMetadataJSON() throws -> String {
        String(decoding: try EventCoding.encoder().encode(EventMetadata.current()), as: UTF8.self)
    }

    func insert(_ events: [NewEvent], expected: ExpectedVersion, defaultMetadata: String, in db: Database) throws
        -> [RecordedEvent]
    {
        var (lastPosition, lastChecksum) = try Self.tail(db)
        var versions: [String: Int64] = [:]
        func currentVersion(_ stream: String) throws -> Int64 {
            if let version = versions[stream] { return version }
            let version =
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(stream_version) FROM events WHERE stream = ?", arguments: [stream])
                ?? 0
            versions[stream] = version
            return version
        }
        if let first = events.first {
            let actual = try currentVersion(first.stream)
            switch expected {
            case .any: break
            case .noStream where actual != 0:
                throw StoreError.wrongExpectedVersion(stream: first.stream, expected: 0, actual: actual)
            case .exact(let version) where version != actual:
                throw StoreError.wrongExpectedVersion(stream: first.stream, expected: version, actual: actual)
            default: break
            }
        }
        let recordedAt = Timestamp.format(Date())
        let insertStatement = try db.cachedStatement(
            sql: """
                INSERT INTO events (position, id, stream, stream_version, type, schema_version, occurred_at,
                    recorded_at, data, metadata, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var written: [RecordedEvent] = []
        let present = try Self.storedIds(events.map(\.id), in: db)
        var seen = Set<String>(minimumCapacity: events.count)
        for event in events {
            if present.contains(event.id) || !seen.insert(event.id).inserted { continue }
            let next = try currentVersion(event.stream) + 1
            let version = event.streamVersion ?? next
            versions[event.stream] = max(version, next - 1)
            lastPosition += 1
            var recorded = RecordedEvent(
                position: lastPosition, id: event.id, stream: event.stream, streamVersion: version, type: event.type,
                schemaVersion: event.schemaVersion, occurredAt: event.occurredAt, recordedAt: recordedAt,
                data: event.data, metadata: event.metadata ?? defaultMetadata, checksum: "")
            recorded.checksum = HashChain.checksum(of: recorded, previous: lastChecksum)
            lastChecksum = recorded.checksum
            try insertStatement.execute(
                arguments: [
                    recorded.position, recorded.id, recorded.stream, recorded.streamVersion, recorded.type,
                    recorded.schemaVersion, recorded.occurredAt, recorded.recordedAt, recorded.data, recorded.metadata,
                    recorded.checksum,
                ])
            written.append(recorded)
        }
        try applyProjections(written, in: db)
        return written
    }

    /// The ids among `ids` that are already stored, asked in slices of a few thousand.
    static func storedIds(_ ids: [String], in db: Database) throws -> Set<String> {
        var found = Set<String>()
        var start = 0
        while start < ids.count {
            let slice = Array(ids[start..<min(ids.count, start + 5_000)])
            let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
            let rows = try String.fetchCursor(
                db, sql: "SELECT id FROM events WHERE id IN (\(marks))", arguments: StatementArguments(slice))
            while let id = try rows.next() { found.insert(id) }
            start += slice.count
        }
        return found
    }

    static func tail(_ db: Database) throws -> (Int64, String) {
        if let row = try Row.fetchOne(db, sql: "SELECT position, checksum FROM events ORDER BY position DESC LIMIT 1") {
            return (row["position"], row["checksum"])
        }
        return (0, "")
    }

    // MARK: - Reading

    /// Streams stored events in position order, filtered, without holding them all in memory.
    public func events(
        after position: Int64 = 0, stream: String? = nil, type: String? = nil, limit: Int? = nil,
        _ body: (RecordedEvent) throws -> Void
    ) throws {
        var sql = "SELECT * FROM events WHERE position > ?"
        var arguments: StatementArguments = [position]
        if let stream {
            sql += " AND stream = ?"
            arguments += [stream]
        }
        if let type {
            sql += " AND type = ?"
            arguments += [type]
        }
        sql += " ORDER BY position"
        if let limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        try read { db in
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() { try body(Self.event(from: row)) }
        }
    }

    /// The events of one stream in version order.
    public func stream(_ stream: String) throws -> [RecordedEvent] {
        var result: [RecordedEvent] = []
        try events(stream: stream) { result.append($0) }
        return result
    }

    /// The highest position stored (0 when empty).
    public func lastPosition() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0 }
    }

    /// Whether an event with this id is stored.
    public func contains(eventId: String) throws -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM events WHERE id = ?", arguments: [eventId]) ?? false
        }
    }

    static func event(from row: Row) -> RecordedEvent {
        RecordedEvent(
            position: row["position"], id: row["id"], stream: row["stream"], streamVersion: row["stream_version"],
            type: row["type"], schemaVersion: row["schema_version"], occurredAt: row["occurred_at"],
            recordedAt: row["recorded_at"], data: row["data"], metadata: row["metadata"], checksum: row["checksum"])
    }
}

/// The SHA-256 chain over events: each checksum covers the previous one and this event's columns.
public enum HashChain {
    /// Hex SHA-256 of `previous` and the event's columns (not its own checksum), separated by unit separators.
    public static func checksum(of event: RecordedEvent, previous: String) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256 + event.data.utf8.count + event.metadata.utf8.count)
        for field in [
            previous, String(event.position), event.id, event.stream, String(event.streamVersion), event.type,
            String(event.schemaVersion), event.occurredAt, event.recordedAt, event.data, event.metadata,
        ] {
            buffer.append(contentsOf: field.utf8)
            buffer.append(0x1F)
        }
        return Hex.encode(SHA256.hash(data: buffer))
    }
}
