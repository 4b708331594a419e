import ArgumentParser
import LedgerQueries

/// `ledger flaky`: tests that both passed and failed on the same image.
struct FlakyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flaky",
        abstract: "Tests that both passed and failed on the same image, across runs or on retry within one.",
        discussion: "flake_rate is failures / runs; a test that always passes or always fails never appears.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this project.") var project: String?
    @Option(help: "At most this many rows.") var limit: Int?
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        var filter = time.filter()
        filter.project = project
        filter.limit = limit
        let rows = try store.read { db in try Queries.flaky(filter: filter, in: db) }
        Render.write(rows, format: output.resolved)
    }
}
