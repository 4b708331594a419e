import ArgumentParser
import LedgerQueries

/// `ledger fixes`: every applied fix and whether the attempt after it succeeded.
struct FixesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixes",
        abstract: "Every applied fix, newest first, with the outcome of the attempt after it.",
        discussion: "outcome: succeeded, failed, interrupted, or pending (the attempt has not finished).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only fixes with this outcome (succeeded, failed, interrupted, pending).") var status: String?
    @Option(help: "Only builds on this instance type.") var instanceType: String?
    @Option(help: "At most this many rows.") var limit: Int?
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        var filter = time.filter()
        filter.project = project
        filter.status = status
        filter.instanceType = instanceType
        filter.limit = limit
        let rows = try store.read { db in try Queries.fixes(filter: filter, in: db) }
        Render.write(rows, format: output.resolved)
    }
}
