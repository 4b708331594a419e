import Foundation
import Testing

@testable import LedgerAnalysis

/// Table-driven: each fixture context (shaped like a real project) with what parsing must find in it.
@Suite struct FixtureTableTests {
    struct Case: Sendable, CustomStringConvertible {
        var fixture: String
        var baseImage: String
        var stages: [String?]
        /// Installs in order: tool and the normalized names each installs.
        var installs: [String]
        var requirementFiles: [String]
        var pins: [String: String]
        var rules: [String]
        var description: String { fixture }
    }

    static let cases: [Case] = [
        Case(
            fixture: "fsdp-demo", baseImage: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", stages: [nil],
            installs: ["pip: torch torchvision transformers datasets"], requirementFiles: ["requirements.txt"],
            pins: ["torch": "2.5.1", "torchvision": "0.21.0", "transformers": "4.51.3"], rules: [RuleID.visionPair]),
        Case(
            fixture: "fsdp-multistage", baseImage: "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04",
            stages: ["builder", "runtime"],
            installs: [
                "pip: torch", "pip: flash-attn",
                "pip: torch torchvision torchaudio transformers accelerate datasets "
                    + "numpy triton", "pip: ",
            ],
            requirementFiles: ["requirements.txt", "constraints.txt"],
            pins: ["torch": "2.5.1+cu124", "torchvision": "0.20.1+cu124", "datasets": "3.1.0"], rules: []),
        Case(
            fixture: "ngc-unset", baseImage: "nvcr.io/nvidia/pytorch:25.05-py3", stages: [nil],
            installs: ["pip: ", "pip: transformers huggingface-hub wandb"], requirementFiles: ["requirements.txt"],
            pins: ["transformers": "4.56.1", "huggingface-hub": "0.35.0"], rules: [RuleID.requirementsMissing]),
        Case(
            fixture: "ngc-replace", baseImage: "nvcr.io/nvidia/pytorch:25.05-py3", stages: [nil],
            installs: ["pip: torch torchvision"], requirementFiles: [],
            pins: ["torch": "2.8.0", "torchvision": "0.23.0"],
            rules: [RuleID.ngcPrerelease]),
        Case(
            fixture: "cuda-devel-ext", baseImage: "nvidia/cuda:11.8.0-devel-ubuntu22.04", stages: [nil],
            installs: ["pip: torch", "pip: flash-attn"], requirementFiles: [], pins: ["torch": "2.5.1"],
            rules: [RuleID.extensionNvcc]),
        Case(
            fixture: "merge-conflict", baseImage: "python:3.11-slim", stages: [nil],
            installs: ["pip: torch torchvision torchvision"], requirementFiles: ["requirements.txt"],
            pins: ["torch": "2.5.1", "torchvision": "0.21.0"],
            rules: [
                RuleID.mergeConflict, RuleID.mergeConflict, RuleID.visionPair, RuleID.mergeConflict,
                RuleID.requirementSyntax,
            ]),
    ]

    @Test(arguments: cases)
    func parsesFixture(_ testCase: Case) throws {
        let files = ContextFiles(root: Fixture.path(testCase.fixture))
        let text = try files.readText("Dockerfile")
        var builder = StageBuilder(
            dockerfile: DockerfileParser.parse(text, path: "Dockerfile"), files: files, buildArgs: [:])
        try builder.build()
        #expect(builder.stages.map(\.name) == testCase.stages)
        let installs = builder.stages.flatMap(\.steps).map { step in
            "\(step.tool.rawValue): " + step.sites.map(\.requirement.normalizedName).joined(separator: " ")
        }
        #expect(installs == testCase.installs)
        let report = try Analyzer.analyze(context: Fixture.path(testCase.fixture))
        #expect(report.baseImage == testCase.baseImage)
        #expect(report.requirementFiles == testCase.requirementFiles)
        for (name, version) in testCase.pins { #expect(report.pins[name] == version, "\(name)") }
        #expect(report.findings.map(\.rule) == testCase.rules)
    }
}
