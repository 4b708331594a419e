import ArgumentParser

/// `ledger flaky` (placeholder until its issue lands).
struct FlakyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flaky", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger flaky` is not built yet")
    }
}
