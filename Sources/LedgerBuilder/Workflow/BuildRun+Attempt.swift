import Foundation
import LedgerEngine
import LedgerStore

/// How one attempt ended.
struct AttemptOutcome {
    var status: String
    var failureClass: FailureClass?
    var tail: String
}

/// Holds the first error writing step events (written serially on the output reader's thread; read after it
/// has finished).
private final class StepRecorder: @unchecked Sendable {
    var error: (any Error)?
}

extension BuildRun {
    /// Runs one `docker build`, streaming its output into the log and its steps into events.
    mutating func attempt(_ number: Int) async throws -> AttemptOutcome {
        let log = try store.logWriter()
        try append(BuildAttemptStarted(project: project, buildId: buildId, number: number, logId: log.id))
        // Everything so far is in the journal before the engine starts (a kill -9 leaves a started attempt).
        try flush()
        observer.note?("attempt \(number) of at most \(options.maxAttempts): building \(image)")
        let started = ContinuousClock.now
        let idFile = NSTemporaryDirectory() + "ledger-iid-\(UUID().uuidString.lowercased())"
        defer { try? FileManager.default.removeItem(atPath: idFile) }
        let invocation = BuildInvocation(
            context: copy.root, dockerfile: "\(copy.root)/\(options.dockerfile)", tag: image, buildArgs: buildArgs,
            secretBuildArgs: secrets, network: options.network, buildKit: buildKit, imageIDFile: idFile)
        let recorder = StepRecorder()
        let (store, stream, project, buildId) = (store, stream, project, buildId)
        let pipeline = OutputPipeline(log: log, redactor: redactor, echo: observer.output) { steps in
            do {
                try store.append(
                    steps.map { step in
                        try NewEvent(
                            BuildStepFinished(
                                project: project, buildId: buildId, attempt: number, index: step.index,
                                total: step.total, instruction: step.instruction, durationS: step.durationS,
                                cached: step.cached),
                            stream: stream)
                    })
            } catch {
                if recorder.error == nil { recorder.error = error }
            }
        }
        var termination: Termination?
        var launchError: (any Error)?
        do {
            termination = try await options.docker.build(invocation, into: pipeline)
        } catch {
            launchError = error
        }
        pipeline.finish()
        // Ctrl-C in a terminal reaches the engine's client too, which then exits 130 (its SIGINT status),
        // possibly before ledger's own cancellation is seen.
        let interrupted =
            Task.isCancelled || termination?.stoppedByLedger == true || termination?.exitCode == 130
            || termination?.signal == SIGINT
        let succeeded = !interrupted && termination?.succeeded == true
        var failure: FailureClassification?
        if interrupted {
            failure = FailureClassification(failureClass: .interrupted, message: "interrupted by the user")
        } else if let launchError {
            failure = FailureClassification(failureClass: .engineUnavailable, message: "\(launchError)")
        } else if !succeeded {
            failure = FailureClassifier.classify(pipeline.tailText)
        }
        if succeeded {
            imageId = Self.readImageID(idFile)
            if imageId == nil { imageId = try? await options.docker.imageID(image) }
        }
        let parser = pipeline.parser
        let status = succeeded ? "success" : interrupted ? "interrupted" : "failed"
        let duration = Builder.seconds(started.duration(to: .now))
        try append(
            BuildAttemptFinished(
                project: project, buildId: buildId, number: number, success: succeeded, status: status,
                durationS: duration, logId: log.id, failureClass: failure?.failureClass.rawValue,
                failureMessage: failure.map { redactor.redact($0.message) },
                cache: parser.cachedSteps > 0 ? "warm" : "cold",
                imageId: succeeded ? imageId : nil, stepCount: parser.steps.count, cachedSteps: parser.cachedSteps))
        summaries.append(
            AttemptSummary(
                number: number, success: succeeded, durationS: duration, logId: log.id,
                failureClass: failure?.failureClass.rawValue, cache: parser.cachedSteps > 0 ? "warm" : "cold",
                steps: parser.steps.count, cachedSteps: parser.cachedSteps))
        if let failure, !interrupted {
            let message = failure.message.split(separator: "\n").joined(separator: "; ")
            observer.note?("attempt \(number) failed (\(failure.failureClass.rawValue)): \(message)")
        }
        if let error = pipeline.error ?? recorder.error { throw error }
        return AttemptOutcome(status: status, failureClass: failure?.failureClass, tail: pipeline.tailText)
    }

    static func readImageID(_ path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }
}
