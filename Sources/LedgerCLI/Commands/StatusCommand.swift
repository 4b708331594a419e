import ArgumentParser
import LedgerQueries

/// `ledger status [P]`: the current image per project, its last build and test, regressions, flaky count.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The current image of each project, its last build and test results, regressions and flaky tests.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this project.") var project: String?
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        let rows = try store.read { db in try Queries.status(filter: QueryFilter(project: project), in: db) }
        Render.write(rows, format: output.resolved)
    }
}
