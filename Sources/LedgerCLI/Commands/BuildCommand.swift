import ArgumentParser

/// `ledger build` (placeholder until its issue lands).
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger build` is not built yet")
    }
}
