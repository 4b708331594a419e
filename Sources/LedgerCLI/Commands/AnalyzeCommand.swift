import ArgumentParser
import Foundation
import LedgerAnalysis
import LedgerBuilder
import LedgerStore

/// `ledger analyze`: lint a build context for PyTorch / CUDA conflicts, record the analysis, print findings.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Check a Dockerfile and its requirements for PyTorch / CUDA conflicts.",
        discussion: """
            Reads the Dockerfile, the requirements and constraints files its RUN steps install (found in the \
            context through COPY/ADD) and any --requirements given, and reports findings with stable rule ids \
            (docs/analyzer.md). Each analysis is recorded as an AnalysisCompleted event in stream analysis-<id>.

            Exit codes: 0 no error findings; 1 error findings; 2 unusable input (missing or binary file).
            """)

    /// Output formats of `analyze`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The build context folder.", valueName: "dir"))
    var context: String = "."

    @Option(help: ArgumentHelp("The Dockerfile, relative to the context (or a path that exists).", valueName: "file"))
    var dockerfile: String = "Dockerfile"

    @Option(
        name: .customLong("requirements"),
        help: ArgumentHelp(
            "A requirements file to check too (repeatable).",
            valueName: "file"))
    var requirements: [String] = []

    @Option(
        help: ArgumentHelp("The project (image repository); default: the context folder's name.", valueName: "name"))
    var project: String?

    @Option(
        name: .customLong("build-arg"),
        help: ArgumentHelp(
            "A build argument NAME=VALUE for ARG substitution.",
            valueName: "name=value"))
    var buildArgs: [String] = []

    @Option(help: ArgumentHelp("Output format: text, json or sarif.", valueName: "format"))
    var format: Format = .text

    func validate() throws {
        for argument in buildArgs where !argument.contains("=") {
            throw ValidationError("--build-arg needs NAME=VALUE, got `\(argument)`")
        }
    }

    func run() throws {
        let contextURL = URL(fileURLWithPath: context).standardizedFileURL
        let report: AnalysisReport
        do {
            report = try Analyzer.analyze(
                context: contextURL.path, dockerfile: Self.resolve(dockerfile, in: contextURL),
                extraRequirements: requirements.map { Self.resolve($0, in: contextURL) },
                buildArgs: Dictionary(buildArgs.map(Self.split), uniquingKeysWith: { $1 }))
        } catch let error as AnalysisError {
            throw CLIError(
                "\(error.description); check the path, or pass --context DIR and --dockerfile FILE",
                exitCode: Exit.unusable)
        }
        let analysisID = UUID().uuidString.lowercased()
        let projectName = project ?? ImageNaming.project(fromContext: contextURL.path)
        let event = AnalysisCompleted(
            project: projectName, analysisId: analysisID, context: contextURL.path, dockerfile: dockerfile,
            findings: report.findings.map(StoredFinding.init))
        let store = try global.openForWriting()
        _ = try store.append(event, to: "analysis-\(analysisID)")

        let errors = report.findings.filter { $0.severity == .error }.count
        let warnings = report.findings.filter { $0.severity == .warning }.count
        switch format {
        case .text:
            Output.write(Data(ReportRenderer.text(report.findings).utf8))
            Diagnostics.note(
                "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s") "
                    + "(analysis \(analysisID), project \(projectName))")
        case .json:
            let output = AnalyzeOutput(
                analysisId: analysisID, project: projectName, context: contextURL.path, dockerfile: dockerfile,
                baseImage: report.baseImage, pins: report.pins, requirementFiles: report.requirementFiles,
                errors: errors, warnings: warnings, findings: report.findings)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Output.write(try encoder.encode(output) + Data("\n".utf8))
        case .sarif:
            Output.write(
                try ReportRenderer.sarif(report.findings, toolVersion: EventMetadata.ledgerVersion) + Data("\n".utf8))
        }
        if errors > 0 { throw ExitCode(Exit.failed) }
    }

    /// A path that exists as given (relative to the working directory) is used as is; otherwise it is taken
    /// relative to the context.
    static func resolve(_ path: String, in context: URL) -> String {
        if path.hasPrefix("/") { return path }
        if FileManager.default.fileExists(atPath: context.appendingPathComponent(path).path) { return path }
        if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return path
    }

    static func split(_ argument: String) -> (String, String) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
}

/// The JSON `analyze` prints: the contract's `findings` plus the analysis id, project, base image and pins.
struct AnalyzeOutput: Encodable {
    var analysisId: String
    var project: String
    var context: String
    var dockerfile: String
    var baseImage: String?
    var pins: [String: String]
    var requirementFiles: [String]
    var errors: Int
    var warnings: Int
    var findings: [Finding]
}
