import Foundation
import LedgerEngine
import LedgerStore
import Testing

@testable import LedgerTester

/// Runs against the offline base image (python3 and numpy, no torch) with the real engine.
@Suite("tester against the base image (real engine)")
struct BaseImageRunTests {
    @Test("standard level: what can pass passes, torch probes fail or skip with recommendations")
    func standardLevel() async throws {
        let store = try Fixtures.store()
        var options = TestRunOptions(image: Fixtures.baseImage)
        options.level = .standard
        options.gpus = .none
        options.timeout = 60
        let report = try await Fixtures.run(options, store: store)
        let status = report.statuses

        #expect(report.imageId.hasPrefix("sha256:"))
        #expect(report.project == "base")
        #expect(report.status == "failed")
        #expect(report.tests.map(\.name).filter { !$0.hasPrefix("structure.") } == TestLevel.standard.probes)
        for passing in ["python.interpreter", "imports.numpy", "environment.versions", "pip.check"] {
            #expect(status[passing] == "passed", "\(passing): \(report.result(passing).message)")
        }
        for failing in ["imports.torch", "imports.transformers", "imports.datasets"] {
            #expect(status[failing] == "failed")
            #expect(report.result(failing).message.contains("No module named"))
        }
        for skipped in [
            "environment.verdict", "imports.torchvision", "cuda.available", "gpu.devices", "gpu.memory",
            "distributed.gloo", "nccl.version", "distributed.nccl", "project.imports", "model.config",
            "model.instantiate",
        ] {
            #expect(status[skipped] == "skipped", "\(skipped): \(report.result(skipped).message)")
            #expect(!report.result(skipped).message.isEmpty)
        }
        #expect(report.result("distributed.gloo").message.contains("torch did not import"))
        #expect(report.result("environment.versions").details["numpy"]?.string == "1.24.2")
        #expect(report.passed == 4 && report.failed == 3 && report.skipped == report.tests.count - 7)

        let torch = try #require(report.recommendations.first { $0.test == "imports.torch" })
        #expect(torch.severity == "critical")
        #expect(torch.issue == "torch is not installed in the image")
        #expect(torch.codeExample.contains("torch=="))
        #expect(torch.documentationLink.hasPrefix("https://"))
        #expect(report.recommendations.contains { $0.issue == "transformers is not installed in the image" })

        // Events: the run's start, one case per attempt with the image ID, and its finish.
        let events = try store.stream("test-\(report.runId)")
        #expect(events.first?.type == TestRunStarted.eventType)
        #expect(events.last?.type == TestRunFinished.eventType)
        let cases = events.compactMap { $0.decode(TestCaseFinished.self) }
        #expect(cases.count == report.tests.count)
        #expect(cases.allSatisfy { $0.imageId == report.imageId && $0.attempt == 1 })
        let finished = try #require(events.last?.decode(TestRunFinished.self))
        #expect(finished.status == "failed")
        #expect(finished.failed == 3)
        #expect(try #require(events.first?.decode(TestRunStarted.self)).level == "standard")
    }

    @Test("structure tests pass and fail exactly as written, in the same container")
    func structureTests() async throws {
        var options = TestRunOptions(image: Fixtures.baseImage)
        options.level = .quick
        options.gpus = .none
        options.specs = try ["base-image.yaml", "metadata-good.yaml"].map {
            try StructureSpec.load(path: Fixtures.spec($0))
        }
        let report = try await Fixtures.run(options)
        let structure = report.tests.filter { $0.name.hasPrefix("structure.") }
        #expect(structure.count == 12)
        for test in structure {
            let expected = test.name.contains(".good-") || test.name == "structure.metadata" ? "passed" : "failed"
            #expect(test.status == expected, "\(test.name): \(test.message)")
        }
        #expect(report.result("structure.command.bad-exit-code").message == "exit code 3, expected 0")
        #expect(report.result("structure.command.bad-output").message.contains("expected output /hello/ not found"))
        #expect(report.result("structure.command.bad-output").message.contains("excluded output /good/ found"))
        #expect(report.result("structure.command.bad-missing-command").message.contains("could not run"))
        #expect(report.result("structure.file_existence.bad-permissions").message.contains("permissions -rw-r--r--"))
        #expect(report.result("structure.file_existence.bad-exists").message.contains("does not exist"))
        #expect(report.result("structure.file_content.bad-os-release").message.contains("/jammy/ not found"))
        #expect(
            report.recommendations.contains { $0.test == "structure.command.bad-exit-code" && $0.severity == "low" })
    }

    @Test("metadata tests read docker image inspect")
    func metadataFails() async throws {
        var options = TestRunOptions(image: Fixtures.baseImage)
        options.level = .quick
        options.gpus = .none
        options.specs = [try StructureSpec.load(path: Fixtures.spec("metadata-bad.yaml"))]
        let report = try await Fixtures.run(options)
        let metadata = report.result("structure.metadata")
        #expect(metadata.status == "failed")
        for part in [
            #"cmd ["python3"], expected ["bash"]"#, #"workdir "", expected "/fsdp""#,
            "port 8080 not exposed", "label org.example.team=<unset>, expected ml",
        ] {
            #expect(metadata.message.contains(part), "\(metadata.message)")
        }
    }

    @Test("a missing image is unusable input")
    func missingImage() async throws {
        await #expect(throws: TesterError.self) {
            _ = try await Fixtures.run(
                TestRunOptions(image: "ledger-test/no-such-image:\(UUID().uuidString.prefix(8).lowercased())"))
        }
    }
}

@Suite("tester against an image without python3 (real engine)")
struct NoPythonImageTests {
    @Test("the program cannot start: python.interpreter fails with the engine's message, the rest are errors")
    func noPython() async throws {
        let docker = try DockerCLI()
        let tag = "ledger-test/no-python:\(UUID().uuidString.prefix(8).lowercased())"
        let name = "ledger-test-make-\(UUID().uuidString.prefix(8).lowercased())"
        try await docker.capture([
            "run", "--name", name, "--network", "none", Fixtures.baseImage,
            "rm", "-f", "/usr/bin/python3", "/usr/bin/python3.11", "/usr/bin/python",
        ])
        try await docker.capture(["commit", name, tag])
        try await docker.capture(["rm", name])

        var options = TestRunOptions(image: tag)
        options.level = .quick
        options.gpus = .none
        options.specs = [try StructureSpec.parse("commandTests:\n  - name: ls\n    command: ls\n", file: "s.yaml")]
        let report: TestReport
        do {
            report = try await Fixtures.run(options)
            _ = try? await docker.capture(["image", "rm", "-f", tag])
        } catch {
            _ = try? await docker.capture(["image", "rm", "-f", tag])
            throw error
        }
        let interpreter = report.result("python.interpreter")
        #expect(interpreter.status == "failed")
        #expect(interpreter.message.contains("the probe program did not start"))
        #expect(interpreter.message.contains("python3"), "\(interpreter.message)")
        for name in ["imports.torch", "imports.numpy", "structure.command.ls"] {
            #expect(report.result(name).status == "error")
            #expect(report.result(name).message == "not run: the probe program did not start")
        }
        #expect(report.status == "failed")
        let advice = try #require(report.recommendations.first { $0.test == "python.interpreter" })
        #expect(advice.severity == "critical")
        #expect(advice.issue.hasPrefix("the image's Python interpreter did not start"))
    }
}
