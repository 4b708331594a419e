import ArgumentParser
import Foundation
import LedgerQueries
import LedgerStore

/// Options every command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The journal file (default: $LEDGER_DB, else ./.ledger/ledger.db).", valueName: "path"))
    public var db: String?

    public init() {}

    /// The journal path in force.
    public var path: String { db ?? EventStore.defaultPath() }

    /// Opens the journal for writing (creating and migrating it), with the query projections registered.
    public func openForWriting() throws -> EventStore {
        try EventStore(path: path, projections: Projections.all)
    }

    /// Opens the journal read-only; it must exist.
    public func openForReading() throws -> EventStore {
        try EventStore(path: path, readOnly: true, projections: Projections.all)
    }
}

/// Moves a `--db` given before the subcommand to just after it, so `ledger --db X history` and
/// `ledger history --db X` mean the same.
enum GlobalArguments {
    static func hoist(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--db", index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if argument.hasPrefix("--db=") {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        // Insert after the subcommand name (and a nested one, none today).
        let at = rest.firstIndex(where: { !$0.hasPrefix("-") }).map { $0 + 1 } ?? rest.count
        rest.insert(contentsOf: leading, at: at)
        return rest
    }
}
