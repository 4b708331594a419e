import Foundation
import LedgerTestSupport
import Testing

@testable import LedgerStore

@Suite("Import and export")
struct ImportTests {
    func ndjson(_ events: Int, stream: String = "build-x") -> String {
        (0..<events).map { n in
            #"{"id":"\#(UUID().uuidString.lowercased())","stream":"\#(stream)-\#(n % 7)","type":"BuildStepFinished","occurred_at":"2026-11-20T10:00:00Z","data":{"project":"fsdp","index":\#(n)}}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test("a malformed line names its number and nothing is imported")
    func badLineImportsNothing() throws {
        let dir = temporaryDirectory()
        var lines = ndjson(10).split(separator: "\n").map(String.init)
        lines[6] = #"{"id":"not-a-uuid","stream":"s","type":"T","occurred_at":"2026-11-20T10:00:00Z","data":{}}"#
        try lines.joined(separator: "\n").write(toFile: dir + "/in.ndjson", atomically: true, encoding: .utf8)
        let store = try EventStore(path: dir + "/l.db")
        #expect(
            throws: StoreError.invalidEvent(source: dir + "/in.ndjson", line: 7, reason: "`id` must be a UUID string")
        ) {
            try store.importEvents(from: [dir + "/in.ndjson"])
        }
        #expect(try store.lastPosition() == 0)
    }

    @Test("import is idempotent and export round-trips every column")
    func idempotentRoundTrip() throws {
        let dir = temporaryDirectory()
        try ndjson(100).write(toFile: dir + "/in.ndjson", atomically: true, encoding: .utf8)
        let store = try EventStore(path: dir + "/a.db")
        #expect(try store.importEvents(from: [dir + "/in.ndjson"]).imported == 100)
        let again = try store.importEvents(from: [dir + "/in.ndjson"])
        #expect(again.imported == 0 && again.skipped == 100)
        // Export, then import the export into another journal; then import the database itself.
        var exported = ""
        try store.events { exported += EventLine.encode($0) + "\n" }
        try exported.write(toFile: dir + "/out.ndjson", atomically: true, encoding: .utf8)
        let other = try EventStore(path: dir + "/b.db")
        #expect(try other.importEvents(from: [dir + "/out.ndjson"]).imported == 100)
        var a: [RecordedEvent] = []
        var b: [RecordedEvent] = []
        try store.events { a.append($0) }
        try other.events { b.append($0) }
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a.map(\.data) == b.map(\.data))
        #expect(a.map(\.streamVersion) == b.map(\.streamVersion))
        let third = try EventStore(path: dir + "/c.db")
        #expect(try third.importEvents(from: [dir + "/a.db"]).imported == 100)
        #expect(try third.verify().problems.isEmpty)
    }

    @Test("an event that collides with a different stored event is refused before writing")
    func collision() throws {
        let dir = temporaryDirectory()
        let store = try EventStore(path: dir + "/l.db")
        try store.append([sampleEvent(stream: "build-z")])
        let line =
            #"{"id":"\#(UUID().uuidString.lowercased())","stream":"build-z","stream_version":1,"type":"T","occurred_at":"2026-11-20T10:00:00Z","data":{}}"#
        try (line + "\n").write(toFile: dir + "/in.ndjson", atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try store.importEvents(from: [dir + "/in.ndjson"]) }
        #expect(try store.lastPosition() == 1)
    }
}
