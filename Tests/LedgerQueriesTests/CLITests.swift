import Foundation
import LedgerQueries
import LedgerStore
import Testing

/// Runs the built `ledger` binary (next to the test bundle) and returns its status, stdout and stderr.
func ledger(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var binary = bundleDir.appendingPathComponent("ledger")
    if !FileManager.default.isExecutableFile(atPath: binary.path) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        binary = root.appendingPathComponent(".build/debug/ledger")
    }
    return try run(binary, arguments)
}

func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain both pipes at once, so a full stderr pipe can't block the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

@Suite struct CLITests {
    static func sample() throws -> Journal {
        let journal = try Journal()
        for seconds in [100.0, 110, 90] { try journal.build("fsdp", type: "c5.4xlarge", attempts: [(true, seconds)]) }
        let last = try journal.build("fsdp", type: "g5.2xlarge", attempts: [(false, 30), (true, 200)], fixBefore: [2])
        try journal.testRun(
            "fsdp", image: "sha256:\(last)", cases: [("nccl", ["failed", "passed"]), ("torch", ["passed"])])
        return journal
    }

    @Test func jsonIsTheDefaultOffATerminalAndABareArray() throws {
        let journal = try Self.sample()
        let result = try ledger(["history", "fsdp", "--db", journal.path])
        #expect(result.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 5)
        #expect(rows.first?["kind"] as? String == "test")
        #expect(rows.first?["passed"] as? Int == 2)
        let build = try #require(rows.first { $0["kind"] as? String == "build" })
        #expect(build["duration_s"] is NSNumber && build["attempts"] as? Int == 2)
        let at = try #require(build["at"] as? String)
        #expect(at.hasSuffix("Z") && Timestamp.parse(at) != nil)
    }

    @Test func everyQueryAnswersInEveryFormat() throws {
        let journal = try Self.sample()
        let a = try journal.build("fsdp")
        let b = try journal.build("fsdp")
        let queries: [[String]] = [
            ["history", "fsdp"], ["status"], ["status", "fsdp"], ["compare", "--by", "instance-type"],
            ["compare", "--by", "engine"], ["compare", "--by", "cache"], ["fixes"], ["flaky"], ["regressions"],
            ["diff", a, b],
        ]
        for query in queries {
            for format in ["table", "json", "csv"] {
                let result = try ledger(query + ["--db", journal.path, "--format", format])
                #expect(result.status == 0, "\(query) \(format): \(result.err)")
                switch format {
                case "json":
                    #expect((try? JSONSerialization.jsonObject(with: Data(result.out.utf8))) is [Any], "\(query)")
                case "csv":
                    let header = result.out.split(separator: "\r\n").first.map(String.init) ?? ""
                    #expect(header.contains(",") || result.out.isEmpty, "\(query)")
                default:
                    let header = result.out.split(separator: "\n").first.map(String.init) ?? ""
                    #expect(header == header.uppercased(), "\(query)")
                }
            }
        }
    }

    @Test func compareTableHasABarChartAndJsonHasTheContractFields() throws {
        let journal = try Self.sample()
        let table = try ledger(["compare", "--db", journal.path, "--format", "table"])
        #expect(table.out.contains("█"))
        #expect(table.out.contains("not enough data"))
        let json = try ledger(["compare", "--db", journal.path, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        #expect(
            Set(rows.first?.keys.map { $0 } ?? []) == [
                "instance_type", "cache", "n", "median_s", "p90_s", "min_s", "max_s", "vs_fastest",
            ])
        let fast = try #require(rows.first { $0["instance_type"] as? String == "c5.4xlarge" })
        #expect((fast["vs_fastest"] as? [String: Any])?["ratio"] as? Double == 1)
        let slow = try #require(rows.first { $0["instance_type"] as? String == "g5.2xlarge" })
        #expect(slow["vs_fastest"] is NSNull)
        let csv = try ledger(["compare", "--db", journal.path, "--format", "csv"])
        #expect(csv.out.hasPrefix("instance_type,cache,n,median_s,p90_s,min_s,max_s,vs_fastest"))
    }

    @Test func emptyResultsExitZero() throws {
        let journal = try Journal()
        let json = try ledger(["flaky", "--db", journal.path, "--format", "json"])
        #expect(json.status == 0 && json.out == "[]\n")
        let table = try ledger(["history", "nothing", "--db", journal.path, "--format", "table"])
        #expect(table.status == 0 && table.out.isEmpty)
    }

    @Test func badInputExitCodes() throws {
        let journal = try Journal()
        let since = try ledger(["history", "p", "--db", journal.path, "--since", "yesterday"])
        #expect(since.status == 64)
        #expect(since.err.contains("--since"))
        let missing = try ledger(["status", "--db", journal.dir.appendingPathComponent("none.db").path])
        #expect(missing.status == 2)
        let diff = try ledger(["diff", "nope", "nada", "--db", journal.path])
        #expect(diff.status == 2 && diff.err.hasPrefix("error: no build nope"))
    }

    @Test func sinceAndUntilFilter() throws {
        let journal = try Self.sample()
        let all = try ledger(["history", "fsdp", "--db", journal.path, "--since", "3000d"])
        let none = try ledger(["history", "fsdp", "--db", journal.path, "--since", "2099-01-01T00:00:00Z"])
        let old = try ledger(["history", "fsdp", "--db", journal.path, "--until", "2000-01-01T00:00:00Z"])
        #expect(all.out.contains("\"kind\""))
        #expect(none.out == "[]\n" && old.out == "[]\n")
    }
}

@Suite struct ReportTests {
    @Test func htmlReportRendersInHeadlessChromium() throws {
        let journal = try CLITests.sample()
        try journal.testRun("fsdp", image: "sha256:x", cases: [("nccl", ["failed"])])
        let file = journal.dir.appendingPathComponent("report.html")
        let result = try ledger(["report", "--db", journal.path, "--html", file.path])
        #expect(result.status == 0, "\(result.err)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let html = try String(contentsOf: file, encoding: .utf8)
        // Self-contained: nothing to fetch.
        #expect(!html.contains("src=") && !html.contains("<link") && !html.contains("url("))
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        #expect(
            FileManager.default.isExecutableFile(atPath: chromium.path), "Debian's chromium is needed (Tools/setup)")
        let profile = journal.dir.appendingPathComponent("chromium-profile")
        let dom = try run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--dump-dom",
                file.absoluteString,
            ])
        #expect(dom.status == 0, "\(dom.err)")
        #expect(dom.out.contains("id=\"build-time-chart\""))
        #expect(dom.out.components(separatedBy: "<rect").count - 1 == 2)
        #expect(dom.out.contains("c5.4xlarge (cold)") && dom.out.contains("g5.2xlarge (cold)"))
        #expect(dom.out.contains("Flaky tests") && dom.out.contains("nccl"))
        #expect(dom.out.contains("numpy2-abi"))
        let shot = journal.dir.appendingPathComponent("report.png")
        let screenshot = try run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                "--screenshot=\(shot.path)", "--window-size=1000,1400", file.absoluteString,
            ])
        #expect(screenshot.status == 0)
        let size = try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int ?? 0
        #expect(size > 1000)
    }
}
