import Foundation
import GRDB
import LedgerTestSupport
import Testing

@testable import LedgerStore

@Suite("Event store")
struct EventStoreTests {
    @Test("appending the same event id twice is a no-op")
    func idempotentAppend() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let event = sampleEvent()
        let first = try store.append([event])
        let second = try store.append([event])
        #expect(first.count == 1)
        #expect(second.isEmpty)
        #expect(try store.lastPosition() == 1)
    }

    @Test("optimistic concurrency refuses a stale expected version")
    func optimisticConcurrency() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let stream = "build-a"
        try store.append([sampleEvent(stream: stream)], expected: .noStream)
        #expect(throws: StoreError.wrongExpectedVersion(stream: stream, expected: 0, actual: 1)) {
            try store.append([sampleEvent(stream: stream)], expected: .noStream)
        }
        #expect(throws: StoreError.wrongExpectedVersion(stream: stream, expected: 5, actual: 1)) {
            try store.append([sampleEvent(stream: stream)], expected: .exact(5))
        }
        let written = try store.append([sampleEvent(stream: stream), sampleEvent(stream: stream)], expected: .exact(1))
        #expect(written.map(\.streamVersion) == [2, 3])
        #expect(try store.stream(stream).count == 3)
    }

    @Test("stored rows can be neither updated nor deleted")
    func appendOnly() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        try store.append([sampleEvent()])
        #expect(throws: (any Error).self) {
            try store.write { db in try db.execute(sql: "UPDATE events SET type = 'x'") }
        }
        #expect(throws: (any Error).self) { try store.write { db in try db.execute(sql: "DELETE FROM events") } }
        #expect(try store.lastPosition() == 1)
    }

    @Test("the database file is created with mode 0600 in WAL mode")
    func fileModeAndWAL() throws {
        let path = temporaryDirectory() + "/sub/l.db"
        let store = try EventStore(path: path)
        try store.append([sampleEvent()])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let journal = try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test("the hash chain links every event and verify finds a changed row")
    func hashChainAndVerify() throws {
        let path = temporaryDirectory() + "/l.db"
        let store = try EventStore(path: path)
        for n in 0..<20 { try store.append([sampleEvent(n: n)]) }
        #expect(try store.verify().problems.isEmpty)
        // Change a row behind the store's back (drop the trigger as an attacker would).
        try store.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: #"UPDATE events SET data = '{"project":"fsdp","n":99}' WHERE position = 7"#)
        }
        let problems = try store.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.location.hasPrefix("position 7 ") == true)
    }

    @Test("unknown event types are stored and read back unchanged")
    func unknownTypes() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let data = #"{"project":"x","z":[1,2,{"a":null}]}"#
        try store.append([NewEvent(stream: "custom-1", type: "SomethingFromTheFuture", schemaVersion: 7, data: data)])
        let stored = try store.stream("custom-1")
        #expect(stored.first?.data == data)
        #expect(stored.first?.schemaVersion == 7)
    }

    @Test("domain events round-trip through the payload coding")
    func domainEventCoding() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let event = BuildAttemptStarted(project: "fsdp", buildId: "b1", number: 1, logId: "l1")
        try store.append(event, to: "build-b1")
        let stored = try store.stream("build-b1")
        #expect(stored.first?.decode(BuildAttemptStarted.self) == event)
        #expect(stored.first?.data.contains("\"build_id\":\"b1\"") == true)
        #expect(stored.first?.decodedMetadata?.pid == ProcessInfo.processInfo.processIdentifier)
    }

    @Test("a garbage file is refused and never written to")
    func garbageDatabase() throws {
        let path = temporaryDirectory() + "/garbage.db"
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try garbage.write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { _ = try EventStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a truncated database is refused and never written to")
    func truncatedDatabase() throws {
        let dir = temporaryDirectory()
        let path = dir + "/l.db"
        do {
            let store = try EventStore(path: path)
            for n in 0..<300 { try store.append([sampleEvent(n: n)]) }
            try store.checkpoint()
        }
        let copy = dir + "/cut.db"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: copy))
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        #expect(throws: StoreError.self) { _ = try EventStore(path: copy) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }

    @Test("read-only opening needs an existing file and writes nothing")
    func readOnly() throws {
        let path = temporaryDirectory() + "/l.db"
        #expect(throws: StoreError.missingDatabase(path: path)) { _ = try EventStore(path: path, readOnly: true) }
        _ = try EventStore(path: path).append([sampleEvent()])
        let store = try EventStore(path: path, readOnly: true)
        #expect(try store.lastPosition() == 1)
        #expect(throws: (any Error).self) { try store.append([sampleEvent()]) }
    }
}
