import Foundation
import GRDB
import LedgerTestSupport
import Testing

@testable import LedgerStore

@Suite("Migrations")
struct MigrationTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test("the embedded migrations equal the files in Migrations/")
    func embeddedMatchFiles() throws {
        let dir = Self.packageRoot.appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(files.count == Migrations.embedded.count)
        for (file, migration) in zip(files, Migrations.embedded) {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            #expect(Migrations.checksum(of: text) == migration.checksum, "run Tools/embed-migrations: \(file) changed")
            #expect(file.hasPrefix(String(format: "%04d_", migration.number)))
        }
    }

    /// Checksums stored in every existing journal were taken with the first normalization (a regex); the
    /// hand-written trim must give the same value for every text, or those journals would read as edited.
    @Test("the checksum normalization is the one landed journals were stamped with")
    func checksumNormalizationUnchanged() throws {
        func reference(_ sql: String) -> String {
            sql.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.replacing(/\s+$/, with: "") }
                .joined(separator: "\n")
                .trimmingCharacters(in: .newlines)
        }
        let samples =
            Migrations.embedded.map(\.sql) + [
                "", "\n\n", "a  \nb\t\n", "x \u{A0}\u{2003}\n  \ny", "crlf\r\nline\r\n", "é \n", "  lead and trail  ",
                "CREATE TABLE t (x);   \n\n\n",
            ]
        for sample in samples { #expect(Migrations.normalized(sample) == reference(sample), "\(sample.prefix(40))") }
    }

    @Test("each migration is recorded with its checksum")
    func bookkeeping() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let rows = try store.read { db in try Row.fetchAll(db, sql: "SELECT number, checksum FROM ledger_migrations") }
        #expect(rows.count == Migrations.embedded.count)
        #expect(rows.first?["checksum"] as String? == Migrations.embedded.first?.checksum)
    }

    @Test("a database from a newer ledger is refused")
    func newerSchemaRefused() throws {
        let path = temporaryDirectory() + "/l.db"
        let newer = Migrations.embedded + [Migration(number: 999, name: "future", sql: "CREATE TABLE future (x)")]
        _ = try EventStore(path: path, migrations: newer)
        #expect(throws: StoreError.newerSchema(path: path, found: 999, known: Migrations.latest)) {
            _ = try EventStore(path: path)
        }
    }

    @Test("an edited landed migration is detected")
    func editedMigrationDetected() throws {
        let path = temporaryDirectory() + "/l.db"
        _ = try EventStore(path: path)
        var edited = Migrations.embedded
        edited[0].sql += "\nCREATE TABLE sneaky (x);"
        #expect(throws: StoreError.migrationEdited(number: 1, name: edited[0].name)) {
            _ = try EventStore(path: path, migrations: edited)
        }
    }

    @Test("a new migration is applied to an existing database")
    func laterMigrationApplies() throws {
        let path = temporaryDirectory() + "/l.db"
        _ = try EventStore(path: path).append([sampleEvent()])
        let more = Migrations.embedded + [Migration(number: 500, name: "extra", sql: "CREATE TABLE extra (x)")]
        let store = try EventStore(path: path, migrations: more)
        #expect(try store.read { db in try db.tableExists("extra") })
        #expect(try store.lastPosition() == 1)
    }
}
