import Foundation
import LedgerStore
import LedgerTestSupport
import Testing

/// Full and read-only disks, made for real with small or read-only tmpfs mounts (root ignores chmod).
@Suite("ledger CLI: full and read-only disks", .serialized)
struct FilesystemFaultTests {
    func mountTmpfs(size: String) throws -> String {
        let dir = temporaryDirectory("mnt")
        let (status, _, err) = try shell("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir])
        #expect(status == 0, "mount failed (tests run as root): \(err)")
        return dir
    }

    func unmount(_ dir: String) {
        _ = try? shell("/bin/umount", ["-l", dir])
    }

    func sha(_ path: String) throws -> Data {
        let (_, out, _) = try shell("/usr/bin/sha256sum", [path])
        return out.prefix(64)
    }

    @Test("a full disk gives a clear error and leaves the journal intact")
    func diskFull() throws {
        let mount = try mountTmpfs(size: "400k")
        defer { unmount(mount) }
        let db = mount + "/l.db"
        #expect(try ledger(["init", "--db", db]).status == 0)
        let work = temporaryDirectory("cli")
        try ndjsonEvents(20_000).write(toFile: work + "/in.ndjson", atomically: true, encoding: .utf8)
        let result = try ledger(["import", work + "/in.ndjson", "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr.contains("disk full while writing \(db): the journal is unchanged"), "\(result.stderr)")
        let verify = try ledger(["verify", "--db", db])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let count = try EventStore(path: db, readOnly: true).lastPosition()
        #expect(count % 5_000 == 0, "only whole batches are kept")
    }

    @Test("a read-only journal is read, never written, and writing commands say why")
    func readOnlyMount() throws {
        let mount = try mountTmpfs(size: "8m")
        defer { unmount(mount) }
        let db = mount + "/l.db"
        let work = temporaryDirectory("cli")
        try ndjsonEvents(50).write(toFile: work + "/in.ndjson", atomically: true, encoding: .utf8)
        #expect(try ledger(["import", work + "/in.ndjson", "--db", db]).status == 0)
        let (status, _, err) = try shell("/bin/mount", ["-o", "remount,ro", mount])
        #expect(status == 0, "\(err)")
        let before = try sha(db)
        let write = try ledger(["import", work + "/in.ndjson", "--db", db])
        #expect(write.status == 2)
        #expect(write.stderr.contains("read-only"), "\(write.stderr)")
        let read = try ledger(["events", "--db", db])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout.split(separator: "\n").count == 50)
        #expect(try ledger(["verify", "--db", db]).status == 0)
        #expect(try sha(db) == before)
    }
}
