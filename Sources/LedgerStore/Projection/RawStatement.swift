import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C interface: no value boxing per column or argument, for the
/// million-row loops of a replay. The statement comes from GRDB (`Database.makeStatement`) and is used only here.
public struct RawStatement {
    let statement: Statement
    /// The `sqlite3_stmt`.
    public let handle: OpaquePointer
    let db: Database

    /// Prepares `sql` on `db`.
    public init(_ sql: String, in db: Database) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        self.db = db
    }

    /// SQLite copies bound text before `bind` returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds text (NULL for nil); the `bind` functions take 1-based parameter indexes.
    public func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bind(index, bytes: $0) }
    }

    /// Binds UTF-8 text given as bytes.
    public func bind(_ index: Int32, bytes: UnsafeBufferPointer<UInt8>) {
        // An empty text still needs a non-null pointer (a null one binds NULL).
        let text = bytes.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
        sqlite3_bind_text(handle, index, text.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
    }

    public func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    public func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    public func bind(_ index: Int32, _ value: Bool?) { bind(index, value.map { $0 ? Int64(1) : 0 }) }

    /// Runs a statement that returns no rows, then readies it for the next arguments.
    public func execute() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Steps to the next row; false at the end.
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql)
    }

    /// A column of the current row, 0-based.
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The column's text, valid until the next step.
    public func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = sqlite3_column_text(handle, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }
}
