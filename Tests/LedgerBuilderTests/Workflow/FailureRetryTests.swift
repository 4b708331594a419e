import Foundation
import LedgerBuilder
import LedgerEngine
import LedgerStore
import Testing

/// Which failures are retried: only when something changed or the class is transient.
struct FailureRetryTests {
    @Test func dockerfileSyntaxErrorIsNotRetried() async throws {
        let context = try await Harness.context(["Dockerfile": "FROM \(Harness.base)\nRUNN echo hi\n"])
        let store = try Harness.store()
        let summary = try await Builder(
            store: store, options: try await Harness.options(context: context, tag: Harness.tag("syntax"))
        ).run()
        #expect(!summary.success)
        #expect(summary.attempts.count == 1)
        #expect(summary.attempts.first?.failureClass == "dockerfile_syntax")
        let finished = try Harness.events(BuildAttemptFinished.self, in: store, build: summary.buildId)
        #expect(finished.first?.failureMessage?.contains("unknown instruction") == true)
    }

    @Test func networkFailureIsRetriedOnce() async throws {
        // pip reaches for an index on a closed local port: a real connection error, then "No matching
        // distribution"; the class is network (transient), so exactly one retry happens.
        let dockerfile = """
            FROM \(Harness.base)
            RUN pip download --no-deps --retries 1 --timeout 2 --index-url http://127.0.0.1:9/simple/ -d /tmp/x tinypkg
            """
        let context = try await Harness.context(["Dockerfile": dockerfile])
        let store = try Harness.store()
        var options = try await Harness.options(context: context, tag: Harness.tag("network"))
        options.maxAttempts = 3
        let summary = try await Builder(store: store, options: options).run()
        #expect(!summary.success)
        #expect(summary.attempts.map(\.failureClass) == ["network", "network"])
        #expect(summary.fixes.isEmpty)
    }

    @Test(arguments: [("docker-oom", "oom_killed"), ("docker-disk-full", "disk_full")])
    func scriptedEngineFaultsAreClassifiedWithoutRetry(_ script: String, _ expected: String) async throws {
        // A scripted engine (LEDGER_DOCKER) only for faults a real engine can't produce on demand.
        let fake = "\(Harness.repository)/Tests/Fixtures/fake-docker/\(script)"
        let context = try await Harness.context(["Dockerfile": "FROM \(Harness.base)\nRUN python3 train.py\n"])
        let store = try Harness.store()
        var options = BuildOptions(
            context: context,
            docker: try DockerCLI(environment: ["LEDGER_DOCKER": fake, "PATH": "/usr/bin:/bin"]))
        options.tag = "fake:1"
        options.engineVersion = "20.10.24"
        options.buildkitVersion = nil
        let summary = try await Builder(store: store, options: options).run()
        #expect(!summary.success)
        #expect(summary.attempts.map(\.failureClass) == [expected])
        let steps = try Harness.events(BuildStepFinished.self, in: store, build: summary.buildId)
        #expect(steps.map(\.instruction) == ["FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"])
    }

    @Test func unreachableEngineIsUnusableInputWithinSeconds() async throws {
        let binary = try Harness.ledgerBinary()
        let context = try await Harness.context(["Dockerfile": "FROM \(Harness.base)\n"])
        let folder = NSTemporaryDirectory() + "ledger-db-\(UUID().uuidString)"
        // The child's own wall time (GNU time), not the test's: other tests share the test process's threads.
        let timing = "\(folder)-time"
        let output = try await ProcessRunner.capture(
            "/usr/bin/time",
            ["-f", "%e", "-o", timing, binary, "build", "--db", "\(folder)/l.db", "--context", context],
            environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"], timeout: .seconds(60))
        #expect(output.termination.exitCode == 2)
        let seconds =
            Double((try? String(contentsOfFile: timing, encoding: .utf8))?.split(separator: "\n").last ?? "") ?? 99
        #expect(seconds < 10, "ledger took \(seconds) s to report the unreachable engine")
        #expect(output.stderr.hasPrefix("error: the Docker daemon does not answer"))
        #expect(output.stdout.isEmpty)
    }

    @Test func missingContextIsUnusableInput() async throws {
        let binary = try Harness.ledgerBinary()
        let folder = NSTemporaryDirectory() + "ledger-db-\(UUID().uuidString)"
        let output = try await ProcessRunner.capture(
            binary, ["build", "--db", "\(folder)/l.db", "--context", "/nonexistent/ctx"], timeout: .seconds(30))
        #expect(output.termination.exitCode == 2)
        #expect(output.stderr.contains("/nonexistent/ctx: no such context folder"))
    }
}
