import ArgumentParser

/// `ledger fixes` (placeholder until its issue lands).
struct FixesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixes", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger fixes` is not built yet")
    }
}
