import Foundation
import LedgerEngine
import Testing

@testable import LedgerTester

/// Real torch 2.5.1 (PyPI's wheels, installed offline by Tools/make-torch-image) on the CPU.
@Suite("tester against real torch images (real engine)", .serialized)
struct TorchImageRunTests {
    @Test("full level: imports, versions, verdict, pip check, gloo, tiny model and checkpoint really pass")
    func fullLevel() async throws {
        try await Fixtures.ensureTorchImages()
        let gpu = await (try DockerCLI()).hasNvidiaRuntime()
        var options = TestRunOptions(image: Fixtures.torchImage)
        options.level = .full
        options.timeout = 300
        let report = try await Fixtures.run(options)
        let status = report.statuses
        for name in [
            "python.interpreter", "imports.torch", "imports.transformers", "imports.datasets", "imports.numpy",
            "environment.versions", "environment.verdict", "imports.torchvision", "pip.check", "distributed.gloo",
            "model.config", "model.instantiate", "model.forward", "checkpoint.roundtrip",
        ] {
            #expect(status[name] == "passed", "\(name): \(report.result(name).message)")
        }
        let versions = report.result("environment.versions").details
        #expect(versions["torch"]?.string == "2.5.1")
        #expect(versions["torchvision"]?.string == "0.20.1")
        #expect(versions["torch_cuda"]?.string == "12.4")
        #expect(report.result("environment.verdict").details["verdict"]?.string != "mismatch")
        #expect(report.result("model.instantiate").message.contains("59247104 parameters"))
        #expect(report.result("model.forward").message.contains("loss"))
        #expect(report.result("checkpoint.roundtrip").message.contains("all equal"))
        #expect(status["imports.torchaudio"] == "skipped")
        #expect(status["project.imports"] == "skipped")
        if !gpu {
            // No GPU here: the GPU, NCCL and FSDP probes say so instead of passing.
            for name in [
                "cuda.available", "gpu.devices", "gpu.memory", "nccl.version", "distributed.nccl", "fsdp.wrap",
            ] {
                #expect(status[name] == "skipped", "\(name): \(report.result(name).message)")
                #expect(report.result(name).message.contains("no GPU visible"))
            }
            #expect(report.status == "passed")
            #expect(report.recommendations.isEmpty)
        }
    }

    @Test("project modules import from --python-path")
    func projectImports() async throws {
        var options = TestRunOptions(image: Fixtures.baseImage)
        options.level = .standard
        options.gpus = .none
        options.pythonPath = ["/usr/lib/python3.11"]
        options.imports = ["json.decoder", "no_such_project.model_utils"]
        let report = try await Fixtures.run(options)
        let result = report.result("project.imports")
        #expect(result.status == "failed")
        #expect(result.message.contains("no_such_project.model_utils: ModuleNotFoundError"))
        let advice = try #require(report.recommendations.first { $0.test == "project.imports" })
        #expect(advice.codeExample.contains("COPY src/ /fsdp/"))
    }

    @Test("torchvision built for another torch: a mismatch verdict and a real import failure")
    func mismatch() async throws {
        try await Fixtures.ensureTorchImages()
        var options = TestRunOptions(image: Fixtures.mismatchImage)
        options.level = .standard
        options.gpus = .none
        options.timeout = 300
        let report = try await Fixtures.run(options)
        let verdict = report.result("environment.verdict")
        #expect(verdict.status == "failed")
        #expect(verdict.message.hasPrefix("mismatch"))
        #expect(verdict.details["verdict"]?.string == "mismatch")
        #expect(verdict.message.contains("torchvision"))
        let vision = report.result("imports.torchvision")
        #expect(vision.status == "failed")
        #expect(vision.message.contains("operator torchvision::nms does not exist"))
        let pip = report.result("pip.check")
        #expect(pip.status == "failed")
        #expect(pip.message.contains("torchvision 0.21.0 has requirement torch==2.6.0"))
        #expect(report.result("imports.torch").status == "passed")
        #expect(report.status == "failed")
        let pin = try #require(report.recommendations.first { $0.test == "environment.verdict" })
        #expect(pin.severity == "high")
        #expect(pin.codeExample == "torch==2.5.1\ntorchvision==0.20.1")
        #expect(pin.recommendation.contains("Pin torchvision==0.20.1"))
        #expect(
            report.recommendations.contains {
                $0.test == "imports.torchvision" && $0.codeExample.contains("torchvision==0.20.1")
            })
    }
}
