import ArgumentParser

/// `ledger report` (placeholder until its issue lands).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger report` is not built yet")
    }
}
