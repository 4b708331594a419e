import ArgumentParser
import Foundation
import LedgerQueries

/// `ledger report --html F`: one self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report: status, build time per instance type, flaky tests, "
            + "regressions and recent fixes.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The HTML file to write (mode 0600).") var html: String
    @Option(help: "Only this project.") var project: String?

    func run() throws {
        let store = try global.openForReading()
        let page = try store.read { db in try HTMLReport.render(filter: QueryFilter(project: project), in: db) }
        try Self.writePrivate(Data(page.utf8), to: html)
        Diagnostics.note("wrote \(html)")
    }

    /// Writes `data` to `path` readable by its owner only.
    static func writePrivate(_ data: Data, to path: String) throws {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CLIError("\(path): cannot write (\(String(cString: strerror(errno)))); choose another --html path")
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { buffer in Foundation.write(fd, buffer.baseAddress, buffer.count) }
        if written != data.count { throw CLIError("\(path): short write") }
    }
}
