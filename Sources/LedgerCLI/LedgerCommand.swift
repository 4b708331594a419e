import ArgumentParser
import Foundation
import LedgerStore

/// The `ledger` root command.
public struct LedgerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "An event-sourced build ledger for ML training images.",
        discussion: """
            Analyze Dockerfiles for PyTorch / CUDA conflicts, build and test images with the Docker engine, \
            and keep every analysis, fix, build attempt, step, log and test result in an append-only journal \
            (./.ledger/ledger.db, or --db PATH, or LEDGER_DB) that answers questions later.

            Exit codes: 0 ok; 1 the thing checked failed (error findings, failed build or test, damage found); \
            2 unusable input (missing file, bad database, engine unreachable); 64 usage; 130 interrupted.
            """,
        version: EventMetadata.ledgerVersion,
        subcommands: [
            InitCommand.self,
            AnalyzeCommand.self,
            BuildCommand.self,
            TestCommand.self,
            HistoryCommand.self,
            StatusCommand.self,
            CompareCommand.self,
            FixesCommand.self,
            FlakyCommand.self,
            RegressionsCommand.self,
            DiffCommand.self,
            ReportCommand.self,
            LogsCommand.self,
            EventsCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            RebuildCommand.self,
            VerifyCommand.self,
        ]
    )

    public init() {}
}

/// The entry point `ledger/main.swift` calls.
public enum LedgerMain {
    /// Parses the process arguments, runs the command, and exits with the contract's code.
    public static func main() async -> Never {
        let arguments = GlobalArguments.hoist(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try LedgerCommand.parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            exit(Diagnostics.report(error))
        }
    }
}
