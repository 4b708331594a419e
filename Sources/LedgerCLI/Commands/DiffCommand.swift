import ArgumentParser

/// `ledger diff` (placeholder until its issue lands).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "diff", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger diff` is not built yet")
    }
}
