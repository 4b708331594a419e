import ArgumentParser
import LedgerQueries

/// `ledger diff A B`: two builds side by side.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Two builds side by side: inputs first (Dockerfile, build args, base image, pins, host), then "
            + "per-step time deltas of each build's last attempt.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The first build id (or a unique prefix).") var a: String
    @Argument(help: "The second build id (or a unique prefix).") var b: String
    @Flag(help: "Also list what is the same in both.") var all = false
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        let rows: [DiffRow]
        do {
            rows = try store.read { db in try Queries.diff(a, b, in: db) }
        } catch let error as UnknownBuild {
            throw CLIError("\(error.description); list builds with `ledger history PROJECT`")
        }
        Render.write(all ? rows : rows.filter { $0.change != "same" || $0.section == "step" }, format: output.resolved)
    }
}
