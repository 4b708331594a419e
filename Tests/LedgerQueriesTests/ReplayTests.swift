import Foundation
import GRDB
import LedgerStore
import LedgerTestSupport
import Testing

@testable import LedgerQueries

/// The one-pass replay of `ledger rebuild` must read payloads and times exactly as SQLite's JSON operators and
/// date functions do, or give up (``ReplayFallback``) so that the SQL statements replay instead.
@Suite struct ReplayTests {
    /// SQLite's own reading of `sql` with `arguments`.
    static func sqlite(_ sql: String, _ arguments: StatementArguments) throws -> DatabaseValue {
        let queue = try DatabaseQueue()
        return try queue.read { db in try DatabaseValue.fetchOne(db, sql: sql, arguments: arguments) ?? .null }
    }

    @Test func timesAreTheDoublesSQLiteComputes() throws {
        var random = SeededRandom(seed: 20_261_125)
        let queue = try DatabaseQueue()
        let statement = "SELECT (julianday(?) - 2440587.5) * 86400.0"
        var texts: [String] = [
            "2026-08-27T11:39:30.950Z", "2026-11-25T09:29:13Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999Z",
            "2026-11-25T09:29:13.123456789Z", "2026-11-25T09:29:13.5+05:30", "2026-03-01T00:00:00-14:00",
            "2026-11-25T09:29:13.9995Z", "2099-12-31T23:59:59.99999999999Z",
        ]
        for _ in 0..<3000 {
            let year = 1900 + Int(random.next() % 250)
            let month = 1 + Int(random.next() % 12)
            let day = 1 + Int(random.next() % 28)
            let hour = Int(random.next() % 24)
            let minute = Int(random.next() % 60)
            let second = Int(random.next() % 60)
            let digits = Int(random.next() % 12)
            let fraction = digits == 0 ? "" : "." + (0..<digits).map { _ in String(random.next() % 10) }.joined()
            let zone = ["Z", "+01:00", "-07:30", "+14:00", "-00:00"][Int(random.next() % 5)]
            texts.append(
                String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second) + fraction
                    + zone)
        }
        try queue.read { db in
            for text in texts {
                let expected = try Double.fetchOne(db, sql: statement, arguments: [text])
                var copy = text
                let replayed = try copy.withUTF8 { try SQLiteTime.seconds($0) }
                #expect(replayed.bitPattern == expected?.bitPattern, "\(text)")
            }
        }
        // Shapes SQLite reads by other rules are left to SQLite.
        for odd in ["2026-11-25 09:29:13", "2026-11-25t09:29:13Z", "2026-11-25T09:29Z", "yesterday", ""] {
            var copy = odd
            #expect(throws: ReplayFallback.self) { try copy.withUTF8 { try SQLiteTime.seconds($0) } }
        }
    }

    static let keys = Payload.Keys(["a", "b", "c"])

    /// Every payload the reader accepts is valid to SQLite, and each field reads as `->>` / `->` read it.
    @Test(arguments: [
        #"{"a":"x","b":12,"c":{"k":[1,2,{"z":null}]}}"#, #"{ "a" : "t\"q\\u00e9\ud83d\ude00\n" , "b" : -0.5e+3 }"#,
        #"{"a":null,"b":true,"c":false}"#, #"{"b":151.8532790084938,"c":-0}"#, #"{"b":5.3754734413672840,"c":1e400}"#,
        #"{"b":12345678901234567890}"#, #"{"b":123456789012345678,"c":[ ]}"#, #"[1,2]"#, #""just text""#, "42",
        #"{"a":"é","c":{ "x" : [ 1 , "a b" ] }}"#, #"{"a":1,"a":2}"#, #"{"a\u0062":1}"#, #"{"a":"\u0000"}"#,
        #"{"a":"\ud800"}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, "{\"a\":\"tab\there\"}", #"{"a":tru}"#,
        #"{"a":1}x"#, #"{"a":1,}"#, "{\"a\":1}\u{0B}", "", #"{"a":"x"#,
    ])
    func payloadsReadAsSQLiteReadsThem(_ text: String) throws {
        var copy = text
        let valid = try Self.sqlite("SELECT json_valid(?)", [text])
        try copy.withUTF8 { bytes in
            var payload = Payload(keys: Self.keys)
            do {
                try payload.read(bytes)
            } catch is ReplayFallback {
                return  // left to SQLite: always allowed
            }
            #expect(valid == 1.databaseValue, "accepted what SQLite rejects: \(text)")
            for (slot, key) in ["a", "b", "c"].enumerated() {
                let extracted = try Self.sqlite("SELECT ? ->> ?", [text, "$.\(key)"])
                let json = try Self.sqlite("SELECT ? -> ?", [text, "$.\(key)"])
                if case .some(let string) = Self.attempt({ try payload.string(slot) }) {
                    #expect(extracted == (string?.databaseValue ?? .null), "\(key) of \(text)")
                }
                if case .some(let number) = Self.attempt({ try payload.integer(slot) }) {
                    #expect(extracted == (number?.databaseValue ?? .null), "\(key) of \(text)")
                }
                if case .some(let number) = Self.attempt({ try payload.number(slot) }) {
                    let value: DatabaseValue =
                        switch number {
                        case .integer(let n): n.databaseValue
                        case .real(let r): r.databaseValue
                        case nil: .null
                        }
                    #expect(extracted == value, "\(key) of \(text)")
                    if case .real(let r) = number, let expected = Double.fromDatabaseValue(extracted) {
                        #expect(r.bitPattern == expected.bitPattern, "\(key) of \(text)")
                    }
                }
                if case .some(let flag) = Self.attempt({ try payload.bool(slot) }) {
                    #expect(extracted == (flag.map { ($0 ? 1 : 0).databaseValue } ?? .null), "\(key) of \(text)")
                }
                #expect(json == ((try payload.json(slot)).map { $0.databaseValue } ?? .null), "\(key) of \(text)")
            }
        }
    }

    /// The value read, or `.none` when the reader gave up (a field of another type).
    static func attempt<T>(_ body: () throws -> T?) -> T?? {
        do { return .some(try body()) } catch { return .none }
    }

    /// Randomly damaged payloads: whatever the reader accepts, SQLite accepts too.
    @Test func damagedPayloadsAreNeverAcceptedWhenSQLiteRejectsThem() throws {
        var random = SeededRandom(seed: 7)
        let base = Array(#"{"a":"x\"y","b":[1,2.5e3,-0,{"c":null}],"c":true,"d":"\u00e9"}"#.utf8)
        let alphabet = Array(#"{}[]":,.-+eE0123456789tfnul\ "#.utf8) + [0x00, 0x0B, 0x1F, 0xC3, 0xFF]
        let queue = try DatabaseQueue()
        var accepted = 0
        try queue.read { db in
            for _ in 0..<4000 {
                var bytes = base
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    let at = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                    }
                }
                let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
                    var payload = Payload(keys: Self.keys)
                    return (try? payload.read(buffer)) != nil
                }
                guard ok else { continue }
                accepted += 1
                let text = String(decoding: bytes, as: UTF8.self)
                let valid = try Int.fetchOne(db, sql: "SELECT json_valid(?)", arguments: [text])
                #expect(valid == 1, "\(text)")
            }
        }
        #expect(accepted > 100)
    }

    /// Payloads the fast path cannot vouch for make that projection replay through SQL, with the same rows as the
    /// events applied one by one; a journal of the product's own events never falls back.
    @Test func oddPayloadsReplayThroughSQLWithTheSameRows() throws {
        let journal = try Journal()
        try journal.build("p")
        try journal.testRun("p", image: "sha256:1", cases: [("a", ["passed"]), ("b", ["failed", "passed"])])
        #expect(try Self.fallbacks(journal) == [])
        let incrementalBefore = try journal.dumpProjections()
        try journal.store.rebuildProjections()
        #expect(try journal.dumpProjections() == incrementalBefore)

        try journal.store.append([
            NewEvent(
                stream: "build-odd", type: "BuildStarted",
                data: #"{"build_id":"odd","project":7,"host":{"instance_type":"x"}}"#),
            NewEvent(stream: "build-odd", type: "BuildFinished", data: #"{ "build_id" : "odd", "status" : "ok" }"#),
            NewEvent(
                stream: "test-odd", type: "TestCaseFinished",
                data: #"{"run_id":"r","name":"n","status":"passed","status":"failed"}"#),
        ])
        #expect(try Self.fallbacks(journal) == ["queries.builds", "queries.tests"])
        let incremental = try journal.dumpProjections()
        try journal.store.rebuildProjections()
        #expect(try journal.dumpProjections() == incremental)
    }

    /// The projections whose one-pass replay gives up on this journal.
    static func fallbacks(_ journal: Journal) throws -> [String] {
        var events: [RecordedEvent] = []
        try journal.store.events { events.append($0) }
        var gaveUp: [String] = []
        try journal.store.read { db in
            for projection in Projections.all {
                guard let replay = try projection.makeReplay(in: db) else { continue }
                do {
                    for event in events {
                        try Self.withBytes(event) { try replay.consume($0) }
                    }
                } catch is ReplayFallback {
                    gaveUp.append(projection.name)
                }
            }
        }
        return gaveUp
    }

    static func withBytes(_ event: RecordedEvent, _ body: (StoredEventBytes) throws -> Void) throws {
        let columns = [event.type, event.stream, event.occurredAt, event.data, event.metadata].map { Array($0.utf8) }
        try columns[0].withUnsafeBufferPointer { type in
            try columns[1].withUnsafeBufferPointer { stream in
                try columns[2].withUnsafeBufferPointer { at in
                    try columns[3].withUnsafeBufferPointer { data in
                        try columns[4].withUnsafeBufferPointer { metadata in
                            try body(
                                StoredEventBytes(
                                    position: event.position, type: type, stream: stream, occurredAt: at, data: data,
                                    metadata: metadata))
                        }
                    }
                }
            }
        }
    }
}
