import Foundation
import Testing

@testable import LedgerAnalysis

/// Whole contexts shaped like real projects.
@Suite struct FixtureTests {
    @Test func consistentMultiStageFSDPHasNoError() throws {
        let report = try Analyzer.analyze(context: Fixture.path("fsdp-multistage"))
        #expect(report.findings.filter { $0.severity == .error }.isEmpty, "\(report.findings.map(\.message))")
        #expect(report.baseImage == "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")
        #expect(report.requirementFiles == ["requirements.txt", "constraints.txt"])
        #expect(report.pins["torch"] == "2.5.1+cu124")
        #expect(report.pins["torchvision"] == "0.20.1+cu124")
        #expect(report.pins["flash-attn"] == "2.7.4.post1")
    }

    @Test func ngcWithUnsetConstraintHasNoError() throws {
        let report = try Analyzer.analyze(context: Fixture.path("ngc-unset"))
        #expect(!report.hasErrors)
    }

    @Test func demoConflictIsFixedByItsPin() throws {
        let context = try Fixture.copy("fsdp-demo")
        defer { try? FileManager.default.removeItem(atPath: context) }
        let report = try Analyzer.analyze(context: context)
        let errors = report.findings.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == [RuleID.visionPair])
        #expect(
            errors.first?.fix
                == Fix(
                    rule: RuleID.visionPair, kind: .pin, file: "requirements.txt", line: 2,
                    before: "torchvision==0.21.0", after: "torchvision==0.20.1"))
        let applied = try FixApplier.apply(errors.compactMap(\.fix), inContext: context)
        #expect(applied.count == 1)
        #expect(applied.first?.diff.contains("-torchvision==0.21.0\n+torchvision==0.20.1") == true)
        #expect(try !Analyzer.analyze(context: context).hasErrors)
        // Applying again: `before` no longer matches, so nothing happens.
        #expect(try FixApplier.apply(errors.compactMap(\.fix), inContext: context).isEmpty)
    }

    @Test func mergeConflictsAreFindingsWithLines() throws {
        let report = try Analyzer.analyze(context: Fixture.path("merge-conflict"))
        let markers = report.findings.filter { $0.rule == RuleID.mergeConflict }
        #expect(markers.map(\.line) == [2, 4, 6])
        #expect(report.findings.contains { $0.rule == RuleID.requirementSyntax && $0.line == 7 })
    }

    @Test func binaryAndNonUTF8FilesAreNamedErrors() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        try Data([0x74, 0x6F, 0x00, 0x01, 0xFF]).write(to: URL(fileURLWithPath: context + "/requirements.txt"))
        #expect(
            throws: AnalysisError(file: "requirements.txt", reason: "is a binary file (NUL byte at offset 2), not text")
        ) {
            try Analyzer.analyze(context: context)
        }
        try Data([0x74, 0x6F, 0x72, 0xC3, 0x28]).write(to: URL(fileURLWithPath: context + "/requirements.txt"))
        #expect(throws: AnalysisError(file: "requirements.txt", reason: "is not valid UTF-8 text")) {
            try Analyzer.analyze(context: context)
        }
        #expect(throws: AnalysisError(file: "Missing.Dockerfile", reason: "no such file")) {
            try Analyzer.analyze(context: context, dockerfile: "Missing.Dockerfile")
        }
    }

    @Test func extraRequirementsAndBuildArgs() throws {
        let context = try Fixture.context([
            "Dockerfile": "ARG TORCH=2.4.1\nFROM pytorch/pytorch:${TORCH}-cuda12.1-cudnn9-runtime\n",
            "extra/requirements.txt": "torchvision==0.20.1\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let report = try Analyzer.analyze(
            context: context, extraRequirements: ["extra/requirements.txt"],
            buildArgs: ["TORCH": "2.5.1"])
        #expect(report.baseImage == "pytorch/pytorch:2.5.1-cuda12.1-cudnn9-runtime")
        #expect(report.requirementFiles == ["extra/requirements.txt"])
        #expect(report.pins == ["torchvision": "0.20.1"])
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
    }
}
