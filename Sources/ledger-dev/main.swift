// Developer tool for benchmarks (not part of the product's command line):
//   ledger-dev store-log --db PATH [--id ID]   streams stdin into the log store as it arrives
import Foundation
import LedgerStore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("usage: ledger-dev store-log --db PATH [--id ID]") }
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

switch command {
case "store-log":
    guard let db = option("--db") else { fail("store-log needs --db PATH") }
    do {
        let store = try EventStore(path: db)
        let writer = try store.logWriter(id: option("--id") ?? UUID().uuidString.lowercased())
        let input = FileHandle.standardInput
        while let block = try input.read(upToCount: 256 * 1024), !block.isEmpty {
            try writer.append(block)
        }
        try writer.close()
        print(writer.id, writer.rawBytes)
    } catch {
        fail("\(error)")
    }
default:
    fail("unknown command \(command)")
}
