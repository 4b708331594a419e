import ArgumentParser
import Foundation
import LedgerBuilder
import LedgerEngine
import LedgerQueries
import LedgerStore

/// `--format` of `ledger build`.
enum BuildFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `ledger build`: analyze, fix in a copy, build with the engine, retry when something changed, tag.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an image: analyze, fix in a copy of the context, build, retry when something changed.",
        discussion: """
            The context is copied (honouring .dockerignore) and fixes are applied to the copy only, unless \
            --write-fixes. The engine's output streams to stderr and, secrets redacted, into the journal's log \
            store; every fix, attempt and step is an event. A failed attempt is retried only when a fix was \
            learned from its log or its failure is transient (a network failure is retried once).

            Exit codes: 0 built; 1 the build failed; 2 unusable input (no context, engine unreachable); \
            64 usage; 130 interrupted (Ctrl-C stops the engine's build and records it as interrupted).
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The build context folder.") var context: String = "."
    @Option(help: "The Dockerfile, relative to the context.") var dockerfile: String = "Dockerfile"
    @Option(help: "The project (default: the context folder's name).") var project: String?
    @Option(help: "auto (project:<git describe>, else a UTC timestamp), a tag, or a whole reference with ':'.")
    var tag: String = "auto"
    @Flag(inversion: .prefixedNo, help: "Apply the analyzer's fixes and fixes learned from failed logs.")
    var autoFix: Bool = true
    @Option(help: "The most build attempts.") var maxAttempts: Int = 3
    @Option(help: "Replace the first stage's base image (recorded as a fix).") var baseImage: String?
    @Option(help: "The instance type to record (default: LEDGER_INSTANCE_TYPE, then DMI).") var instanceType: String?
    @Option(help: "The network for RUN steps (passed to the engine).") var network: String?
    @Option(name: .customLong("build-arg"), help: ArgumentHelp("A build arg.", valueName: "K=V"))
    var buildArgs: [String] = []
    @Option(
        name: .customLong("secret-build-arg"),
        help: ArgumentHelp("A secret: redacted from logs, never stored (BuildKit: a secret mount).", valueName: "K=V"))
    var secretBuildArgs: [String] = []
    @Flag(help: "Also apply the fixes to the context's own files when the build succeeds.") var writeFixes = false
    @Option(help: "Output format (text|json).") var format: BuildFormat = .text

    func validate() throws {
        if maxAttempts < 1 { throw ValidationError("--max-attempts must be at least 1") }
        // > Docker: a repository name component "must be lowercase ... may contain lowercase letters, digits
        // > and separators. A separator is defined as a period, one or two underscores, or one or more hyphens."
        if let project, project.range(of: "^[a-z0-9]+([._-]+[a-z0-9]+)*$", options: .regularExpression) == nil {
            throw ValidationError("--project \(project): use lower-case letters, digits, '.', '_' or '-'")
        }
        for arg in buildArgs + secretBuildArgs where !arg.contains("=") || arg.hasPrefix("=") {
            throw ValidationError("\(arg): a build arg is NAME=VALUE")
        }
    }

    func run() async throws {
        let docker: DockerCLI
        do { docker = try DockerCLI() } catch { throw CLIError("\(error)", exitCode: Exit.unusable) }
        // Opened by the builder while it copies the context (the same as `global.openForWriting()`).
        let path = global.path
        var options = BuildOptions(context: context, docker: docker)
        options.dockerfile = dockerfile
        options.project = project
        options.tag = tag
        options.autoFix = autoFix
        options.maxAttempts = maxAttempts
        options.baseImage = baseImage
        options.instanceType = instanceType
        options.network = network
        options.buildArgs = buildArgs
        options.secretBuildArgs = secretBuildArgs
        options.writeFixes = writeFixes
        // engineVersion stays nil: the builder asks the daemon (one GET /_ping on its socket, else
        // `docker version`, 5 s at most) while it copies the context, and stops with EngineError (exit 2)
        // before recording or building anything when there is no answer.
        let observer = BuildObserver(
            output: { bytes in Diagnostics.writeRaw(bytes) },
            note: { line in
                line.hasPrefix("warning: ") ? Diagnostics.printError(line) : Diagnostics.note(line)
            })
        let builder = Builder(
            openingStore: { try EventStore(path: path, projections: Projections.all) }, options: options,
            observer: observer)
        let summary: BuildSummary
        do {
            summary = try await Interrupts.cancellingOnSIGINT { try await builder.run() }
        } catch let error as BuildError {
            throw CLIError(error.description, exitCode: Exit.unusable)
        } catch let error as EngineError {
            throw CLIError(error.description, exitCode: Exit.unusable)
        }
        switch format {
        case .json: Output.line(try Self.json(summary))
        case .text: Output.line(Self.text(summary))
        }
        switch summary.status {
        case "success": return
        case "interrupted": throw CLIError("build \(summary.buildId) interrupted", exitCode: Exit.interrupted)
        default:
            throw CLIError(
                "build \(summary.buildId) failed after \(summary.attempts.count) attempt(s): "
                    + "read its log with `ledger logs \(summary.attempts.last?.logId ?? "")`",
                exitCode: Exit.failed)
        }
    }

    static func json(_ summary: BuildSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(summary), as: UTF8.self)
    }

    static func text(_ summary: BuildSummary) -> String {
        var lines = [
            "build \(summary.buildId) \(summary.status): \(summary.image)"
                + (summary.imageId.map { " (\($0))" } ?? "") + " in \(summary.durationS)s, "
                + "\(summary.attempts.count) attempt(s)"
        ]
        for attempt in summary.attempts {
            let outcome = attempt.success ? "success" : "failed (\(attempt.failureClass ?? "unknown"))"
            lines.append(
                "  attempt \(attempt.number): \(outcome) in \(attempt.durationS)s, \(attempt.cache) cache "
                    + "(\(attempt.cachedSteps)/\(attempt.steps) steps cached), log \(attempt.logId)")
        }
        for fix in summary.fixes {
            lines.append(
                "  fix \(fix.rule) (\(fix.kind)): \(fix.file)\(fix.line.map { ":\($0)" } ?? ""): "
                    + "\(fix.before) -> \(fix.after)")
        }
        return lines.joined(separator: "\n")
    }
}
