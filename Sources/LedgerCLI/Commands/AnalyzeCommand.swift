import ArgumentParser

/// `ledger analyze` (placeholder until its issue lands).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze", abstract: "Not built yet.", shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        throw CLIError("`ledger analyze` is not built yet")
    }
}
