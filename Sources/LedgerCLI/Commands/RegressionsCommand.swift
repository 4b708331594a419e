import ArgumentParser
import LedgerQueries

/// `ledger regressions`: tests that broke on the latest image, builds slower than their rolling median.
struct RegressionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regressions",
        abstract: "Tests that passed on the previous image and fail on the latest; builds more than 20% slower "
            + "than the rolling median of the same project, instance type and cache state (5 samples or more).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only duration regressions on this instance type.") var instanceType: String?
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        var filter = time.filter()
        filter.project = project
        filter.instanceType = instanceType
        let rows = try store.read { db in try Queries.regressions(filter: filter, in: db) }
        Render.write(rows, format: output.resolved)
    }
}
