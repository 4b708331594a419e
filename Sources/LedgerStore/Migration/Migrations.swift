import Crypto
import Foundation
import GRDB

/// One numbered schema change, applied once in its own transaction.
public struct Migration: Sendable, Equatable {
    public var number: Int
    public var name: String
    public var sql: String

    public init(number: Int, name: String, sql: String) {
        self.number = number
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the text with trailing white space of each line and the file's trailing newlines ignored.
    public var checksum: String {
        Migrations.checksum(of: sql)
    }
}

/// Applies ``Migration``s with a bookkeeping row and checksum each.
public enum Migrations {
    /// The highest migration number this binary knows.
    public static var latest: Int { embedded.map(\.number).max() ?? 0 }

    static func checksum(of sql: String) -> String {
        Hex.encode(SHA256.hash(data: Data(normalized(sql).utf8)))
    }

    /// The text a checksum covers: trailing white space of each line and the text's trailing newlines dropped
    /// (trimmed by hand: a regex here cost every opening of the journal about 10 ms).
    static func normalized(_ sql: String) -> String {
        sql.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                var end = line.endIndex
                while end > line.startIndex, line[line.index(before: end)].isWhitespace {
                    end = line.index(before: end)
                }
                return line[..<end]
            }
            .joined(separator: "\n")
            .trimmingCharacters(in: .newlines)
    }

    /// Creates the bookkeeping table if needed.
    static func ensureBookkeeping(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS ledger_migrations (
                    number INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    checksum TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """)
    }

    /// Applied migrations: number -> checksum.
    static func applied(_ db: Database) throws -> [Int: (name: String, checksum: String)] {
        guard try db.tableExists("ledger_migrations") else { return [:] }
        var result: [Int: (name: String, checksum: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT number, name, checksum FROM ledger_migrations") {
            result[row["number"]] = (row["name"], row["checksum"])
        }
        return result
    }

    /// Refuses a newer database or an edited migration; returns the ones still to apply.
    static func pending(_ db: Database, path: String, migrations: [Migration]) throws -> [Migration] {
        let done = try applied(db)
        let known = migrations.map(\.number).max() ?? 0
        if let newest = done.keys.max(), newest > known {
            throw StoreError.newerSchema(path: path, found: newest, known: known)
        }
        for migration in migrations {
            if let stored = done[migration.number], stored.checksum != migration.checksum {
                throw StoreError.migrationEdited(number: migration.number, name: migration.name)
            }
        }
        return migrations.filter { done[$0.number] == nil }.sorted { $0.number < $1.number }
    }

    /// Applies each pending migration in its own immediate transaction.
    static func migrate(_ writer: DatabaseQueue, path: String, migrations: [Migration]) throws {
        // Nearly every open finds nothing to apply: one read says so without taking the write lock (a newer
        // or edited schema is refused here too).
        if try writer.read({ db in try pending(db, path: path, migrations: migrations) }).isEmpty { return }
        for migration in migrations.sorted(by: { $0.number < $1.number }) {
            try writer.inTransaction(.immediate) { db in
                try ensureBookkeeping(db)
                // Checked again inside the write lock: another process may have applied it meanwhile.
                let pending = try pending(db, path: path, migrations: migrations)
                guard pending.contains(where: { $0.number == migration.number }) else { return .commit }
                try db.execute(sql: migration.sql)
                try db.execute(
                    sql: "INSERT INTO ledger_migrations (number, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    arguments: [migration.number, migration.name, migration.checksum, Timestamp.format(Date())])
                return .commit
            }
        }
    }
}
