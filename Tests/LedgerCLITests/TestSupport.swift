import Foundation
import LedgerStore
import LedgerTestSupport

/// A payload event in a stream.
func sampleEvent(stream: String = "build-\(UUID().uuidString.lowercased())", type: String = "Sample", n: Int = 0)
    -> NewEvent
{
    NewEvent(stream: stream, type: type, data: #"{"project":"fsdp","n":\#(n)}"#)
}

/// The `ledger` binary built beside the test bundle.
func ledgerBinary() -> String {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [beside.appendingPathComponent("ledger").path]
    var dir = beside
    for _ in 0..<4 {
        dir = dir.deletingLastPathComponent()
        candidates.append(dir.appendingPathComponent("ledger").path)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/ledger").path)
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
}

/// Runs `ledger ARGS`.
@discardableResult
func ledger(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let (status, out, err) = try shell(ledgerBinary(), arguments, stdin: stdin)
    return (status, String(decoding: out, as: UTF8.self), err)
}

/// NDJSON of `count` events in `streams` streams.
func ndjsonEvents(_ count: Int, streamPrefix: String = "build-\(UUID().uuidString.prefix(8))") -> String {
    var out = ""
    for n in 0..<count {
        out +=
            #"{"id":"\#(UUID().uuidString.lowercased())","stream":"\#(streamPrefix)-\#(n % 50)","type":"BuildStepFinished","occurred_at":"2026-11-20T10:00:00Z","data":{"project":"fsdp","build_id":"b","attempt":1,"index":\#(n),"instruction":"RUN pip install","duration_s":1.5,"cached":false}}"#
        out += "\n"
    }
    return out
}

/// Another executable built beside `ledger` (e.g. `synth-journal`).
func siblingBinary(_ name: String) -> String {
    URL(fileURLWithPath: ledgerBinary()).deletingLastPathComponent().appendingPathComponent(name).path
}

/// Starts `ledger ARGS` without waiting.
func startLedger(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ledgerBinary())
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}
