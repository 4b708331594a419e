import ArgumentParser
import LedgerQueries

extension CompareDimension: ExpressibleByArgument {}

/// `ledger compare --by instance-type|engine|cache`: build times of successful attempts per group.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare build times of successful attempts by instance type, engine or cache state.",
        discussion: """
            A row per group and cache state (cold: no step came from cache): n, median_s, p90_s, min_s, max_s, \
            and vs_fastest {ratio, ci_low, ci_high}: the ratio of the group's median to the fastest group's with \
            a bootstrap 95% interval (fixed seed), or null ("not enough data") under 3 samples.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Group by instance-type, engine or cache.") var by: CompareDimension = .instanceType
    @Option(help: "Only this project.") var project: String?
    @Option(help: "Only this instance type.") var instanceType: String?
    @OptionGroup var time: TimeOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try global.openForReading()
        var filter = time.filter()
        filter.project = project
        filter.instanceType = instanceType
        let rows = try store.read { db in try Queries.compare(by: by, filter: filter, in: db) }
        let longest = rows.map(\.medianS).max() ?? 0
        Render.write(rows, format: output.resolved) { i in
            let row = rows[i]
            let width = longest > 0 ? Int((30 * row.medianS / longest).rounded()) : 0
            let bar = String(repeating: "█", count: max(width, 1))
            return row.vsFastest == nil ? bar + " (not enough data)" : bar
        }
    }
}
