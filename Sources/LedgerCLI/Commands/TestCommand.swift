import ArgumentParser

/// `ledger test` (placeholder until its issue lands).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger test` is not built yet")
    }
}
