import ArgumentParser
import Dispatch
import Foundation
import LedgerEngine
import LedgerStore
import LedgerTester

/// `ledger test`: probes an image from the inside in one container, runs structure tests, records the run.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test an image from the inside: imports, versions, CUDA, NCCL, FSDP, a tiny model, structure tests.",
        discussion: """
            One container per run (--network none unless --network is given; GPUs passed when the engine has an \
            NVIDIA runtime or --gpus all). Levels: quick (interpreter, imports), standard (+ versions, environment \
            verdict, pip check, CUDA, GPUs, gloo and NCCL groups, project imports, tiny model config and \
            instantiation), full (+ forward pass, FSDP wrap, checkpoint round trip). Exit 0 all passed, 1 a test \
            failed, 2 unusable input, 130 interrupted.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The image to test (reference or ID).", valueName: "image"))
    var image: String

    @Option(help: ArgumentHelp("Project name (default: the image's repository, fsdp:abc -> fsdp).", valueName: "name"))
    var project: String?

    @Option(help: "quick, standard or full.")
    var level: String = "standard"

    @Option(
        name: .customLong("spec"),
        help: ArgumentHelp(
            "A container-structure-test YAML file (repeatable).",
            valueName: "file"))
    var specs: [String] = []

    @Option(help: ArgumentHelp("Write JUnit XML here (mode 0600).", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Also write test-report-<UTC timestamp>.json into this folder.", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("all or none (default: all when the engine has an NVIDIA runtime).", valueName: "gpus"))
    var gpus: String?

    @Option(help: "Rerun a failed probe up to N more times (every attempt is recorded).")
    var retries: Int = 0

    @Option(help: ArgumentHelp("Seconds each probe may run.", valueName: "seconds"))
    var timeout: Double = 120

    @Option(help: ArgumentHelp("The container's network (default none).", valueName: "network"))
    var network: String = "none"

    @Option(
        name: .customLong("python-path"),
        help: ArgumentHelp(
            "A folder in the image put first on the Python path "
                + "(repeatable).", valueName: "dir"))
    var pythonPath: [String] = []

    @Option(
        name: .customLong("import"),
        help: ArgumentHelp(
            "A project module that must import (repeatable).",
            valueName: "module"))
    var imports: [String] = []

    @Option(name: .customLong("probe-extra"), help: .hidden)
    var probeExtra: String?

    @Option(help: "text or json.")
    var format: String = "text"

    func validate() throws {
        guard TestLevel(rawValue: level) != nil else {
            throw ValidationError("--level must be quick, standard or full")
        }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        if let gpus, GPUChoice(rawValue: gpus) == nil || gpus == "auto" {
            throw ValidationError("--gpus must be all or none")
        }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
    }

    func run() async throws {
        // Unusable input is found before any container starts.
        let loaded: [StructureSpec]
        do {
            loaded = try specs.map { try StructureSpec.load(path: $0) }
        } catch let error as StructureSpecError {
            throw CLIError("\(error.description): fix the spec and run `ledger test` again")
        }
        var extra: String?
        if let probeExtra {
            guard let data = FileManager.default.contents(atPath: probeExtra) else {
                throw CLIError("cannot read --probe-extra \(probeExtra)")
            }
            extra = String(decoding: data, as: UTF8.self)
        }
        var options = TestRunOptions(image: image)
        options.project = project
        options.level = TestLevel(rawValue: level) ?? .standard
        options.specs = loaded
        options.gpus = gpus.flatMap(GPUChoice.init(rawValue:)) ?? .auto
        options.retries = retries
        options.timeout = timeout
        options.network = network
        options.pythonPath = pythonPath
        options.imports = imports
        options.probeExtra = extra

        let store = try global.openForWriting()
        let docker: DockerCLI
        do { docker = try DockerCLI() } catch { throw CLIError("\(error)") }
        let runner = TestRunner(docker: docker, store: store)
        let request = options
        let report: TestReport
        do {
            report = try await Interrupt.cancellingOnSigint {
                try await runner.run(request) { result in
                    let attempt = result.attempts > 1 ? " (attempt \(result.attempts))" : ""
                    Diagnostics.printError(
                        "\(result.status.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                            + "\(result.name)\(attempt): \(result.message)")
                }
            }
        } catch let error as EngineError {
            throw CLIError("\(error)")
        } catch let error as TesterError {
            throw CLIError("\(error)")
        }
        if let output {
            let path = try report.write(toDirectory: output)
            Diagnostics.note("wrote \(path)")
        }
        if let junit { try JUnitReport.write(report, to: junit) }
        if format == "json" {
            Output.write(try report.json())
            Output.line("")
        } else {
            Output.line(TestText.render(report))
        }
        switch report.status {
        case "interrupted": throw CLIError("the test run was interrupted", exitCode: Exit.interrupted)
        case "failed": throw ExitCode(Exit.failed)
        default: return
        }
    }
}

/// Runs an operation that Ctrl-C cancels (the operation records what it had and returns).
enum Interrupt {
    static func cancellingOnSigint<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        return try await task.value
    }
}

/// The text rendering of a test report.
enum TestText {
    static func render(_ report: TestReport) -> String {
        var lines = ["\(report.image) (\(report.imageId.prefix(19))) level \(report.level), run \(report.runId)"]
        for test in report.tests {
            let attempts = test.attempts > 1 ? " [\(test.attempts) attempts]" : ""
            lines.append(
                "  \(test.status.padding(toLength: 7, withPad: " ", startingAt: 0)) \(test.name)"
                    + " (\(String(format: "%.2f", test.durationS))s)\(attempts): \(test.message)")
        }
        for item in report.recommendations {
            lines.append("  [\(item.severity)] \(item.issue)\n      -> \(item.recommendation)")
        }
        lines.append(
            "\(report.status): \(report.passed) passed, \(report.failed) failed, \(report.skipped) skipped "
                + "in \(String(format: "%.1f", report.durationS))s")
        return lines.joined(separator: "\n")
    }
}
