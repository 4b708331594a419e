import Foundation
import LedgerAnalysis
import LedgerEngine
import LedgerStore

/// The build workflow: analyze -> fix (in a copy) -> build -> retry when something changed -> tag, writing
/// every step as events in stream `build-<build_id>`.
public struct Builder: Sendable {
    /// Opens the journal (run concurrently with copying the context, since both cost file-system calls).
    public let openStore: @Sendable () throws -> EventStore
    /// What to build.
    public let options: BuildOptions
    /// Who watches (live output, notes).
    public let observer: BuildObserver

    /// A builder.
    public init(store: EventStore, options: BuildOptions, observer: BuildObserver = BuildObserver()) {
        self.init(openingStore: { store }, options: options, observer: observer)
    }

    /// A builder that opens its journal itself, while it copies the context.
    public init(
        openingStore: @escaping @Sendable () throws -> EventStore, options: BuildOptions,
        observer: BuildObserver = BuildObserver()
    ) {
        self.openStore = openingStore
        self.options = options
        self.observer = observer
    }

    /// Runs the build. Cancelling the task stops the engine's build and records it as interrupted.
    ///
    /// - Throws: ``BuildError`` for unusable input, `EngineError` when the engine does not answer, and store
    ///   errors; a failed build is a summary with `success == false`, not an error.
    public func run() async throws -> BuildSummary {
        let started = ContinuousClock.now
        let context = URL(fileURLWithPath: options.context).standardizedFileURL.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: context, isDirectory: &isFolder), isFolder.boolValue else {
            throw BuildError.missingContext(path: options.context)
        }
        guard FileManager.default.fileExists(atPath: "\(context)/\(options.dockerfile)") else {
            throw BuildError.missingDockerfile(path: "\(context)/\(options.dockerfile)")
        }
        let buildArgs = try Self.pairs(options.buildArgs, flag: "--build-arg")
        let secrets = try Self.pairs(options.secretBuildArgs, flag: "--secret-build-arg")
        let redactor = SecretRedactor(secretValues: secrets.map(\.1))
        let project = options.project ?? ImageNaming.project(fromContext: context)
        let buildId = UUID().uuidString.lowercased()

        async let describe = options.tag == "auto" ? ImageNaming.gitDescribe(context: context) : nil
        async let engine = engineVersions()
        let opener = openStore
        async let opened = onOwnThread { try opener() }
        let copy = try ContextCopy.make(from: context, dockerfile: options.dockerfile)
        defer { copy.remove() }
        let host = options.hostProbe.snapshot(instanceType: options.instanceType)
        let report: AnalysisReport?
        do {
            report = try Analyzer.analyze(
                context: copy.root, dockerfile: options.dockerfile,
                buildArgs: Dictionary(buildArgs, uniquingKeysWith: { $1 }))
        } catch {
            observer.note?("warning: analysis failed, building without it: \(error)")
            report = nil
        }
        let (engineVersion, buildkitVersion) = try await engine
        let image = ImageNaming.image(tag: options.tag, project: project, describe: await describe)
        if buildkitVersion == nil, !secrets.isEmpty {
            let names = secrets.map(\.0).joined(separator: ", ")
            observer.note?(
                "warning: the legacy builder has no secret mounts: --secret-build-arg \(names) is passed as a "
                    + "build arg, which the image's history keeps (its value is still redacted from logs and never "
                    + "stored)")
        }

        let store = try await opened
        var run = BuildRun(
            store: store, observer: observer, options: options, buildId: buildId, project: project, image: image,
            copy: copy, redactor: redactor, buildKit: buildkitVersion != nil,
            buildArgs: buildArgs.map { "\($0)=\($1)" },
            secrets: Dictionary(secrets, uniquingKeysWith: { $1 }))
        let dockerfilePath = "\(context)/\(options.dockerfile)"
        let dockerfileText = (try? String(contentsOfFile: dockerfilePath, encoding: .utf8)) ?? ""
        try run.append(
            BuildStarted(
                project: project, buildId: buildId, image: image, context: context, dockerfile: options.dockerfile,
                dockerfileText: redactor.redact(dockerfileText), baseImage: report?.baseImage,
                buildArgs: Dictionary(buildArgs, uniquingKeysWith: { $1 }), secretBuildArgs: secrets.map(\.0),
                pins: report?.pins ?? [:], maxAttempts: options.maxAttempts, autoFix: options.autoFix,
                network: options.network,
                host: HostFacts(
                    hostname: host.hostname, instanceType: host.instanceType,
                    instanceTypeSource: host.instanceTypeSource, cpuModel: host.cpuModel, cpuCount: host.cpuCount,
                    memoryBytes: host.memoryBytes, engineVersion: engineVersion, buildkitVersion: buildkitVersion,
                    codebuild: host.codebuild)))
        do {
            if let report { try run.recordAnalysis(report, context: context) }
            try run.applyInitialFixes(report)
            try await run.attempts()
        } catch {
            try? run.flush()
            throw error
        }

        if run.success, options.writeFixes, !run.applied.isEmpty {
            do {
                let written = try FixApplier.apply(run.applied.map(\.fix), inContext: context)
                observer.note?("wrote \(written.count) fix(es) to \(context)")
            } catch {
                observer.note?("warning: could not write the fixes to \(context): \(error)")
            }
        } else if options.writeFixes, !run.applied.isEmpty {
            observer.note?("the build failed: fixes were not written to \(context)")
        }
        let duration = Self.seconds(started.duration(to: .now))
        try run.append(
            BuildFinished(
                project: project, buildId: buildId, success: run.success, status: run.status, image: image,
                imageId: run.imageId, durationS: duration, attempts: run.summaries.count))
        try run.flush()
        return BuildSummary(
            success: run.success, image: image, imageId: run.imageId, buildId: buildId, project: project,
            durationS: duration, attempts: run.summaries, fixes: run.applied.map(\.stored), status: run.status)
    }

    private func engineVersions() async throws -> (String, String?) {
        if let version = options.engineVersion { return (version, options.buildkitVersion) }
        // The daemon must answer (within seconds) before anything is recorded or built; this runs while the
        // context is copied. buildx is asked only when its plugin is installed.
        async let buildx = options.docker.buildxPluginInstalled() ? options.docker.buildxVersion() : nil
        let version = try await options.docker.reachableServerVersion(timeout: .seconds(5))
        return (version, await buildx)
    }

    static func pairs(_ values: [String], flag: String) throws -> [(String, String)] {
        try values.map { value in
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw BuildError.badArgument(flag: flag, value: value)
            }
            return (String(value[..<equals]), String(value[value.index(after: equals)...]))
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return (value * 1000).rounded() / 1000
    }
}
