import ArgumentParser

/// `ledger regressions` (placeholder until its issue lands).
struct RegressionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "regressions", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger regressions` is not built yet")
    }
}
