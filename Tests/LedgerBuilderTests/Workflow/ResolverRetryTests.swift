import Foundation
import LedgerBuilder
import LedgerEngine
import LedgerStore
import Testing

/// Real pip, real engine: torch==2.5.1 with torchvision==0.21.0 from the tiny wheelhouse.
struct ResolverRetryTests {
    @Test func logDrivenFixPinsTorchvisionAndTheRetrySucceeds() async throws {
        // A comment unique to this run keeps the engine's layer cache (an earlier, interrupted run may have left
        // the fixed attempt's layers) from answering the `RUN pip install` step of attempt 2.
        let requirements = "torch==2.5.1\ntorchvision==0.21.0\n# run \(UUID().uuidString)\n"
        let context = try await Harness.context(
            ["Dockerfile": Harness.resolverDockerfile, "requirements.txt": requirements], wheelhouse: true)
        let store = try Harness.store()
        let tag = Harness.tag("resolver")
        var options = try await Harness.options(context: context, tag: tag)
        options.analysisFixes = false
        let summary = try await Builder(store: store, options: options).run()
        defer { Task { await Harness.removeImages([tag]) } }

        #expect(summary.success)
        #expect(summary.image == tag)
        #expect(summary.imageId?.hasPrefix("sha256:") == true)
        #expect(summary.attempts.count == 2)
        #expect(summary.attempts.first?.failureClass == "resolver_conflict")
        #expect(summary.attempts.last?.success == true)
        let fix = try #require(summary.fixes.first { $0.file == "requirements.txt" })
        #expect(fix.kind == "pin")
        #expect(fix.before.contains("torchvision") && fix.before.contains("0.21.0"))
        #expect(fix.after.contains("torchvision") && fix.after.contains("0.20.1"))
        #expect(!fix.diff.isEmpty)

        let applied = try Harness.events(FixApplied.self, in: store, build: summary.buildId)
        #expect(applied.map(\.source) == Array(repeating: "log", count: summary.fixes.count))
        #expect(applied.allSatisfy { $0.attempt == 2 })
        let finished = try Harness.events(BuildAttemptFinished.self, in: store, build: summary.buildId)
        #expect(finished.map(\.status) == ["failed", "success"])
        #expect(finished.first?.failureMessage?.contains("torchvision 0.21.0 depends on torch==2.6.0") == true)
        let steps = try Harness.events(BuildStepFinished.self, in: store, build: summary.buildId)
        #expect(steps.filter { $0.attempt == 2 }.map(\.index) == [1, 2, 3, 4])
        #expect(steps.contains { $0.attempt == 2 && $0.instruction.hasPrefix("RUN pip install") && !$0.cached })
        let build = try #require(Harness.events(BuildFinished.self, in: store, build: summary.buildId).first)
        #expect(build.status == "success" && build.attempts == 2)
        let started = try #require(Harness.events(BuildStarted.self, in: store, build: summary.buildId).first)
        #expect(started.host.instanceType == "test.local" && started.host.instanceTypeSource == "flag")
        #expect(started.host.engineVersion?.isEmpty == false)

        // The fix went to the copy only.
        let original = try String(contentsOfFile: "\(context)/requirements.txt", encoding: .utf8)
        #expect(original == requirements)
        // The image really holds the matching pair.
        let check = try await ProcessRunner.capture(
            "docker",
            [
                "run", "--rm", "--network", "none", tag, "python3", "-c",
                "import torch, torchvision; print(torch.__version__, torchvision.__version__)",
            ],
            timeout: .seconds(60))
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2.5.1 0.20.1")
        // The first attempt's log holds pip's real message.
        let log = try Harness.log(summary.attempts[0].logId, in: store)
        #expect(log.contains("ResolutionImpossible"))
    }

    @Test func noAutoFixStopsAfterOneAttempt() async throws {
        // A comment unique to this run keeps the engine's layer cache (an earlier, interrupted run may have left
        // the fixed attempt's layers) from answering the `RUN pip install` step of attempt 2.
        let requirements = "torch==2.5.1\ntorchvision==0.21.0\n# run \(UUID().uuidString)\n"
        let context = try await Harness.context(
            ["Dockerfile": Harness.resolverDockerfile, "requirements.txt": requirements], wheelhouse: true)
        let store = try Harness.store()
        var options = try await Harness.options(context: context, tag: Harness.tag("nofix"))
        options.autoFix = false
        let summary = try await Builder(store: store, options: options).run()
        #expect(!summary.success)
        #expect(summary.status == "failed")
        #expect(summary.attempts.map(\.failureClass) == ["resolver_conflict"])
        #expect(summary.fixes.isEmpty)
    }

    @Test func writeFixesUpdatesTheUsersFilesAfterSuccess() async throws {
        // A comment unique to this run keeps the engine's layer cache (an earlier, interrupted run may have left
        // the fixed attempt's layers) from answering the `RUN pip install` step of attempt 2.
        let requirements = "torch==2.5.1\ntorchvision==0.21.0\n# run \(UUID().uuidString)\n"
        let context = try await Harness.context(
            ["Dockerfile": Harness.resolverDockerfile, "requirements.txt": requirements], wheelhouse: true)
        let store = try Harness.store()
        let tag = Harness.tag("write")
        var options = try await Harness.options(context: context, tag: tag)
        options.writeFixes = true
        let summary = try await Builder(store: store, options: options).run()
        defer { Task { await Harness.removeImages([tag]) } }
        #expect(summary.success)
        let text = try String(contentsOfFile: "\(context)/requirements.txt", encoding: .utf8)
        #expect(text.contains("0.20.1") && !text.contains("0.21.0"))
    }
}
