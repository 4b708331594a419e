import Foundation

/// Errors of the journal and the log store, carrying what a person needs to act on them.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file does not exist (read-only opens never create one).
    case missingDatabase(path: String)
    /// The file is not a SQLite database, or is damaged.
    case notADatabase(path: String, detail: String)
    /// The database was written by a newer `ledger`.
    case newerSchema(path: String, found: Int, known: Int)
    /// A migration that was applied has different text now.
    case migrationEdited(number: Int, name: String)
    /// The database can't be written (read-only file or mount).
    case readOnly(path: String, detail: String)
    /// The disk is full.
    case diskFull(path: String)
    /// Optimistic concurrency: the stream is not at the expected version.
    case wrongExpectedVersion(stream: String, expected: Int64, actual: Int64)
    /// An import line or event is invalid.
    case invalidEvent(source: String, line: Int, reason: String)
    /// An imported event collides with a different stored event.
    case conflictingEvent(source: String, line: Int, reason: String)
    /// A log does not exist.
    case unknownLog(id: String)
    /// An LZ4 frame failed to decode.
    case badFrame(logId: String, sequence: Int, detail: String)
    /// Any other SQLite error, with its code and message.
    case sqlite(path: String, code: Int32, message: String)
    /// A file could not be read or written.
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            return "no journal at \(path): run `ledger init` or pass --db PATH"
        case .notADatabase(let path, let detail):
            return "\(path) is not a ledger database (\(detail)); nothing was written to it"
        case .newerSchema(let path, let found, let known):
            return "\(path) was written by a newer ledger (schema \(found), this ledger knows \(known)): upgrade ledger"
        case .migrationEdited(let number, let name):
            return
                "migration \(number) (\(name)) differs from the one applied to this database: landed migrations are immutable, add a new one instead"
        case .readOnly(let path, let detail):
            return "\(path) is read-only (\(detail)): nothing was written; use a writable --db"
        case .diskFull(let path):
            return "disk full while writing \(path): the journal is unchanged; free space and run the command again"
        case .wrongExpectedVersion(let stream, let expected, let actual):
            return "stream \(stream) is at version \(actual), expected \(expected)"
        case .invalidEvent(let source, let line, let reason):
            return "\(source):\(line): \(reason); nothing was imported"
        case .conflictingEvent(let source, let line, let reason):
            return "\(source):\(line): \(reason); nothing was imported"
        case .unknownLog(let id):
            return "no log with id \(id): see `ledger events --type BuildAttemptStarted` for log ids"
        case .badFrame(let logId, let sequence, let detail):
            return "log \(logId) chunk \(sequence): \(detail)"
        case .sqlite(let path, let code, let message):
            return "sqlite error \(code) on \(path): \(message)"
        case .io(let path, let detail):
            return "\(path): \(detail)"
        }
    }
}
