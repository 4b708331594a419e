import Foundation
import LedgerTestSupport
import Testing

/// Issue 7: large and binary inputs through the built binary.
@Suite("ledger CLI: bad input", .serialized)
struct BadInputTests {
    @Test("a 100,000-line Dockerfile is analyzed to the end")
    func hugeDockerfile() throws {
        let dir = temporaryDirectory("bad")
        var text = "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\n"
        for n in 0..<99_999 {
            text += n % 3 == 0 ? "RUN pip install --no-cache-dir numpy==1.26.\(n % 5)\n" : "ENV STEP_\(n)=value\n"
        }
        try text.write(toFile: dir + "/Dockerfile", atomically: true, encoding: .utf8)
        let result = try ledger(["analyze", "--context", dir, "--db", dir + "/l.db", "--format", "json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["findings"] is [Any])
    }

    @Test("binary or non-UTF-8 inputs get a clear error naming the file (exit 2)")
    func binaryInputs() throws {
        let dir = temporaryDirectory("bad")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0xFF, 0xFE, 0x0A]).write(
            to: URL(fileURLWithPath: dir + "/Dockerfile"))
        let analyze = try ledger(["analyze", "--context", dir, "--db", dir + "/l.db"])
        #expect(analyze.status == 2)
        #expect(analyze.stderr.contains("Dockerfile"), "\(analyze.stderr)")
        try Data([0x00, 0x01, 0xFF, 0x0A, 0x7B, 0x0A]).write(to: URL(fileURLWithPath: dir + "/events.ndjson"))
        let imported = try ledger(["import", dir + "/events.ndjson", "--db", dir + "/l.db"])
        #expect(imported.status == 2)
        #expect(imported.stderr.contains("events.ndjson:1: invalid JSON"), "\(imported.stderr)")
        try Data([0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: dir + "/spec.yaml"))
        let test = try ledger([
            "test", "--image", "ledger/base:bookworm-py3", "--spec", dir + "/spec.yaml", "--db", dir + "/l.db",
        ])
        #expect(test.status == 2)
        #expect(test.stderr.contains("spec.yaml"), "\(test.stderr)")
    }
}
