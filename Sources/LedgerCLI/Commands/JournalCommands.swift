import ArgumentParser
import Foundation
import LedgerStore

/// `ledger init`: creates (or migrates) the journal.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the journal, or migrate it to this ledger's schema.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openForWriting()
        Output.line("journal ready at \(store.path) (schema \(Migrations.latest), \(try store.lastPosition()) events)")
    }
}

/// `ledger events`: stored events as NDJSON.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print stored events, one JSON object a line, in journal order.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this stream (e.g. build-<id>).") var stream: String?
    @Option(help: "Only this event type (e.g. BuildAttemptFinished).") var type: String?
    @Option(help: "Only events after this position.") var after: Int64 = 0
    @Option(help: "At most this many events.") var limit: Int?
    @Option(help: "Output format (ndjson).") var format: NDJSONFormat = .ndjson

    func run() throws {
        let store = try global.openForReading()
        try store.events(after: after, stream: stream, type: type, limit: limit) { Output.line(EventLine.encode($0)) }
    }
}

/// `ledger export`: the whole journal as NDJSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every event as NDJSON (input for `ledger import` elsewhere).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format (ndjson).") var format: NDJSONFormat = .ndjson

    func run() throws {
        let store = try global.openForReading()
        var buffer = Data()
        try store.events { event in
            buffer.append(contentsOf: EventLine.encode(event).utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                Output.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        Output.write(buffer)
    }
}

/// `ledger import`: merges NDJSON files or other ledger databases.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge events from NDJSON files or other ledger databases (idempotent by event id).",
        discussion: """
            Every line is validated before anything is written; a bad line is named with its number and \
            nothing is imported. Events are then written in atomic batches; re-running an import that was \
            killed completes it.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NDJSON files or ledger database files.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import") }
    }

    func run() throws {
        for file in files where !FileManager.default.fileExists(atPath: file) {
            throw CLIError("\(file): no such file")
        }
        let store = try global.openForWriting()
        let summary = try store.importEvents(from: files)
        Output.line("imported \(summary.imported) events, \(summary.skipped) already present, \(summary.read) read")
    }
}

/// `ledger logs`: a stored log, decompressed or as its LZ4 frames.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a stored build log.",
        discussion: "With --raw, write the stored LZ4 frames; `lz4 -d` decodes them to the same bytes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The log id (log_id in build results and events).") var id: String
    @Flag(help: "Write the stored LZ4 frames instead of text.") var raw = false

    func run() throws {
        let store = try global.openForReading()
        if raw {
            try store.readLogFrames(id: id) { Output.write($0) }
        } else {
            try store.readLog(id: id) { Output.write($0) }
        }
    }
}

/// `ledger rebuild`: replays the projections from the journal.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Empty the projections and replay them from the journal.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openForWriting()
        let start = ContinuousClock.now
        let replayed = try store.rebuildProjections()
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        Output.line("replayed \(replayed) events in \(String(format: "%.2f", seconds)) s")
    }
}

/// `ledger verify`: checks the hash chain and every log frame.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain, order and ids of every event and decode every log frame.",
        discussion: "Exit 0 when intact; 1 when something is damaged, each damaged thing named on its own line.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try global.openForReading()
        let report = try store.verify()
        if report.problems.isEmpty {
            Output.line("ok: \(report.events) events, \(report.logChunks) log chunks intact")
            return
        }
        for problem in report.problems { Output.line("damaged: \(problem)") }
        throw CLIError(
            "\(report.problems.count) problem(s) in \(store.path); restore from an export or another runner's journal",
            exitCode: Exit.failed)
    }
}

/// `--format ndjson`, the only format of `events` and `export`.
enum NDJSONFormat: String, ExpressibleByArgument, CaseIterable {
    case ndjson
}
