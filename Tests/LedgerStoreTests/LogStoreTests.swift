import Foundation
import GRDB
import LedgerTestSupport
import Testing

@testable import LedgerStore

@Suite("Log store")
struct LogStoreTests {
    @Test("LZ4 frames round-trip, including empty and incompressible data")
    func frameRoundTrip() throws {
        var random = SystemRandomNumberGenerator()
        let cases: [Data] = [
            Data(), Data("hello".utf8), Data(repeating: 65, count: 3 << 20),
            Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }),
        ]
        for input in cases {
            let frame = try LZ4Frame.compress(input)
            #expect(try LZ4Frame.decompress(frame, expectedSize: input.count) == input)
        }
    }

    @Test("a flipped byte in a frame fails to decode")
    func flippedByte() throws {
        let input = Data(String(repeating: "Step 3/9 : RUN pip install torch==2.5.1\n", count: 2000).utf8)
        var frame = try LZ4Frame.compress(input)
        frame[frame.count / 2] ^= 0x40
        #expect(throws: (any Error).self) { try LZ4Frame.decompress(frame, expectedSize: input.count) }
    }

    @Test("logs are chunked at 1 MiB and read back in order")
    func chunking() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let writer = try store.logWriter()
        var expected = Data()
        for n in 0..<30_000 {
            let line = Data("line \(n) Collecting torch==2.5.1 from /wheels\n".utf8)
            expected.append(line)
            try writer.append(line)
        }
        try writer.close()
        var read = Data()
        try store.readLog(id: writer.id) { read.append($0) }
        #expect(read == expected)
        let chunks = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM log_chunks WHERE log_id = ?", arguments: [writer.id])
        }
        #expect(chunks == (expected.count + LogWriter.chunkSize - 1) / LogWriter.chunkSize)
    }

    @Test("a log is flushed within about a second without more output")
    func timedFlush() async throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let writer = try store.logWriter()
        try writer.append("Step 1/2 : FROM x\n")
        try await Task.sleep(for: .milliseconds(2500))
        #expect(try store.logExists(id: writer.id))
        try writer.close()
    }

    @Test("stored frames decode with the stock lz4 command")
    func lz4Interop() throws {
        let dir = temporaryDirectory()
        let store = try EventStore(path: dir + "/l.db")
        let writer = try store.logWriter()
        var expected = Data()
        for n in 0..<60_000 {
            let line = Data("#\(n) [2/5] RUN pip install -r requirements.txt token=hidden\n".utf8)
            expected.append(line)
            try writer.append(line)
        }
        try writer.close()
        var frames = Data()
        try store.readLogFrames(id: writer.id) { frames.append($0) }
        try frames.write(to: URL(fileURLWithPath: dir + "/log.lz4"))
        let (status, _, stderr) = try shell("/usr/bin/lz4", ["-d", "-f", "-q", dir + "/log.lz4", dir + "/log.txt"])
        #expect(status == 0, "lz4 -d failed: \(stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/log.txt")) == expected)
    }

    @Test("verify names a damaged log chunk")
    func verifyFindsDamagedFrame() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        let writer = try store.logWriter(id: "log-damaged")
        try writer.append(Data(String(repeating: "pip install flash-attn\n", count: 100_000).utf8))
        try writer.close()
        #expect(try store.verify().problems.isEmpty)
        try store.write { db in
            try db.execute(sql: "DROP TRIGGER log_chunks_refuse_update")
            try db.execute(
                sql:
                    "UPDATE log_chunks SET frame = substr(frame, 1, 40) || x'00' || substr(frame, 42) WHERE sequence = 2"
            )
        }
        let problems = try store.verify().problems
        #expect(problems.map(\.location) == ["log-damaged chunk 2"])
    }

    @Test("an unknown log id is a clear error")
    func unknownLog() throws {
        let store = try EventStore(path: temporaryDirectory() + "/l.db")
        #expect(throws: StoreError.unknownLog(id: "nope")) { try store.readLog(id: "nope") { _ in } }
    }
}
