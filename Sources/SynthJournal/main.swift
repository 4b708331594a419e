import Foundation
import LedgerQueries
import LedgerStore

// `synth-journal --events N --db PATH [--seed S] [--end RFC3339]`: writes a realistic journal through the
// product's append path (EventStore.append with the domain events, projections registered, logs through
// LogWriter), for benchmarks, demos and tests.

func usage() -> Never {
    FileHandle.standardError.write(
        Data("usage: synth-journal --events N --db PATH [--seed S] [--end RFC3339]\n".utf8))
    exit(64)
}

var events = 0
var path: String?
var seed: UInt64 = 42
var end = Date()
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    guard let value = arguments.first else { usage() }
    arguments.removeFirst()
    switch flag {
    case "--events": events = Int(value) ?? 0
    case "--db": path = value
    case "--seed": seed = UInt64(value) ?? seed
    case "--end": end = Timestamp.parse(value) ?? end
    default: usage()
    }
}
guard events > 0, let path else { usage() }

do {
    let store = try EventStore(path: path, projections: Projections.all)
    var synth = Synthesizer(store: store, seed: seed, target: events, end: end)
    let started = Date()
    try synth.run()
    let seconds = Date().timeIntervalSince(started)
    let summary = "\(synth.written) events (\(synth.builds) builds, \(synth.runs) test runs)"
    FileHandle.standardError.write(Data("synth-journal: \(summary) in \(String(format: "%.1f", seconds)) s\n".utf8))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
