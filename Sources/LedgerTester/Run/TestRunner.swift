import Foundation
import LedgerAnalysis
import LedgerEngine
import LedgerStore

/// Runs `ledger test`: one container per run with the probe program, structure tests beside it, events written
/// as results arrive (`TestRunStarted`, a `TestCaseFinished` per attempt, `TestRunFinished`) in `test-<run_id>`.
public struct TestRunner: Sendable {
    /// The engine.
    public var docker: DockerCLI
    /// The journal, or nil to record nothing.
    public var store: EventStore?

    /// Creates a runner.
    public init(docker: DockerCLI, store: EventStore?) {
        self.docker = docker
        self.store = store
    }

    /// Runs the tests; `progress` sees each finished attempt. A cancelled run returns status `interrupted`.
    ///
    /// Throws `EngineError` when the engine does not answer and `TesterError` for a missing image (exit 2).
    public func run(_ options: TestRunOptions, progress: @escaping @Sendable (TestCaseResult) -> Void = { _ in })
        async throws -> TestReport
    {
        let clock = ContinuousClock.now
        let startedAt = Date()
        let engineVersion = try await docker.serverVersion()
        guard let inspection = try await docker.inspectImage(options.image) else {
            throw TesterError.imageNotFound(options.image)
        }
        let project = options.project ?? TestRunOptions.project(fromImage: options.image)
        let runId = UUID().uuidString.lowercased()
        let stream = "test-\(runId)"
        let gpus: String?
        switch options.gpus {
        case .all: gpus = "all"
        case .none: gpus = nil
        case .auto: gpus = await docker.hasNvidiaRuntime() ? "all" : nil
        }
        try store?.append(
            TestRunStarted(
                project: project, runId: runId, image: options.image, imageId: inspection.id,
                level: options.level.rawValue, host: HostFactsReader.read(engineVersion: engineVersion)),
            to: stream)

        let collector = ResultCollector(
            options: options, specs: options.specs,
            record: { line, status, message in
                try store?.append(
                    TestCaseFinished(
                        project: project, runId: runId, imageId: inspection.id, name: line.name, status: status,
                        durationS: line.durationS, message: message, attempt: line.attempt),
                    to: stream)
            }, progress: progress)
        let config = ProbeConfig(
            level: options.level.rawValue, timeout: options.timeout, retries: options.retries, gpus: gpus != nil,
            pythonPath: options.pythonPath, imports: options.imports,
            structure: StructureJudge.executions(options.specs), extra: options.probeExtra)
        let request = ContainerRunRequest(
            image: inspection.id, entrypoint: "python3", command: ["-", try config.argument()],
            network: options.network, gpus: gpus, name: "ledger-test-\(runId.prefix(12))",
            labels: ["org.ledger.run-id": runId], input: Data(ProbeProgram.source.utf8))
        let cases = options.level.probes.count + config.structure.count + 8
        let budget = Double(cases * (options.retries + 1)) * options.timeout + 120
        var termination: Termination?
        var interrupted = false
        do {
            termination = try await docker.run(request, timeout: .seconds(budget)) { stream, text in
                collector.receive(stream, text)
            }
            interrupted = Task.isCancelled
        } catch is CancellationError {
            interrupted = true
        } catch {
            if Task.isCancelled { interrupted = true } else { throw error }
        }
        collector.finish(termination: termination, interrupted: interrupted, budget: budget)
        if let error = collector.failedRecord { throw error }
        if let metadata = options.specs.compactMap(\.metadataTest).first, !interrupted {
            let (status, message) = StructureJudge.judge(metadata, inspection)
            collector.add(ProbeLine(name: "structure.metadata", status: status, durationS: 0, message: message))
        }
        let tests = collector.ordered()
        let counts = TestReport.counts(tests)
        let status = interrupted ? "interrupted" : (counts.failed > 0 ? "failed" : "passed")
        let duration = (ContinuousClock.now - clock).seconds
        try store?.append(
            TestRunFinished(
                project: project, runId: runId, image: options.image, imageId: inspection.id, status: status,
                passed: counts.passed, failed: counts.failed, skipped: counts.skipped, durationS: duration),
            to: stream)
        return TestReport(
            image: options.image, imageId: inspection.id, level: options.level.rawValue, runId: runId,
            project: project, status: status, passed: counts.passed, failed: counts.failed, skipped: counts.skipped,
            durationS: duration, startedAt: Timestamp.format(startedAt), tests: tests,
            recommendations: Recommender.recommendations(for: tests, timeout: options.timeout))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
