import Foundation

/// The analyzer: parses a context's Dockerfile and the requirements it installs, and runs the rules.
public enum Analyzer {
    /// Analyzes the Dockerfile (path relative to context) and the requirements/constraints files it references
    /// (found through COPY/ADD) plus `extraRequirements`.
    ///
    /// - Throws: ``AnalysisError`` for unusable input: a missing context or Dockerfile, a binary or non-UTF-8 file.
    public static func analyze(
        context: String, dockerfile: String = "Dockerfile", extraRequirements: [String] = [],
        buildArgs: [String: String] = [:]
    ) throws -> AnalysisReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: context, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AnalysisError(file: context, reason: "the context is not a directory")
        }
        let files = ContextFiles(root: context)
        let path = files.relative(dockerfile)
        let text = try files.readText(path, name: dockerfile)
        return try analyze(
            dockerfileText: text, path: path, files: files, extraRequirements: extraRequirements,
            buildArgs: buildArgs)
    }

    /// Analyzes Dockerfile text already read (the benchmark and tests call this directly).
    static func analyze(
        dockerfileText: String, path: String, files: ContextFiles, extraRequirements: [String] = [],
        buildArgs: [String: String] = [:], readSources: Bool = true
    ) throws -> AnalysisReport {
        let dockerfile = DockerfileParser.parse(dockerfileText, path: path)
        var builder = StageBuilder(dockerfile: dockerfile, files: files, buildArgs: buildArgs)
        try builder.build()
        if !extraRequirements.isEmpty, !builder.stages.isEmpty {
            var step = InstallStep(order: builder.nextOrder(), line: 0, tool: .pip)
            var visited: Set<String> = []
            for extra in extraRequirements {
                let relative = files.relative(extra)
                guard builder.documents[relative] == nil else { continue }
                try builder.include(relative, isConstraint: false, into: &step, visited: &visited, depth: 0)
            }
            if !step.sites.isEmpty || !step.constraints.isEmpty {
                builder.stages[builder.stages.count - 1].steps.append(step)
            }
        }
        var rules = RuleContext(
            dockerfile: dockerfile, stages: builder.stages, files: files,
            fileLines: builder.fileLines, readSources: readSources)
        rules.findings = dockerfile.findings + builder.findings
        rules.runAll()
        return AnalysisReport(
            findings: rules.sortedFindings(), baseImage: builder.stages.first?.image, pins: rules.pins(),
            requirementFiles: builder.documentOrder)
    }
}
