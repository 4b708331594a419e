import ArgumentParser
import LedgerQueries

/// `ledger history P`: builds and test runs of a project, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Builds and test runs of a project, newest first.",
        discussion: """
            Rows: kind (build|test), id, status, at, duration_s, image, image_id, instance_type; builds add \
            attempts, fixes and cache (state of the last attempt), test runs passed and failed.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The project (image repository), e.g. fsdp.") var project: String
    @OptionGroup var time: TimeOptions
    @Option(help: "At most this many rows.") var limit: Int = 20
    @Option(help: "Only rows with this status (success, failed, interrupted, running, passed).") var status: String?
    @Option(help: "Only builds and runs on this instance type.") var instanceType: String?
    @OptionGroup var output: FormatOptions

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let store = try global.openForReading()
        var filter = time.filter()
        filter.limit = limit
        filter.status = status
        filter.instanceType = instanceType
        let rows = try store.read { db in try Queries.history(project: project, filter: filter, in: db) }
        Render.write(rows, format: output.resolved)
    }
}
