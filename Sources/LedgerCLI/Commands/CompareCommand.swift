import ArgumentParser

/// `ledger compare` (placeholder until its issue lands).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compare", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger compare` is not built yet")
    }
}
