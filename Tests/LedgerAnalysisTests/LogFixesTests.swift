import Foundation
import Testing

@testable import LedgerAnalysis

@Suite struct LogFixesTests {
    static let resolutionLog = """
        Step 4/6 : RUN pip install --no-cache-dir -r /fsdp/requirements.txt
         ---> Running in 3f2a1b
        ERROR: Cannot install -r /fsdp/requirements.txt (line 1) and torchvision==0.21.0 because these package \
        versions have conflicting dependencies.

        The conflict is caused by:
            The user requested torch==2.5.1
            torchvision 0.21.0 depends on torch==2.6.0

        \u{1B}[91mERROR: ResolutionImpossible: for help visit \
        https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts
        \u{1B}[0m
        """

    @Test func resolverConflictPinsTheCompanion() throws {
        let fixes = LogFixes.fixes(
            forLog: Self.resolutionLog, context: Fixture.path("fsdp-demo"), dockerfile: "Dockerfile")
        #expect(
            fixes == [
                Fix(
                    rule: RuleID.visionPair, kind: .pin, file: "requirements.txt", line: 2,
                    before: "torchvision==0.21.0", after: "torchvision==0.20.1")
            ])
    }

    @Test func resolverConflictOnARunLine() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nRUN pip install torch==2.5.1 \\\n    torchvision==0.21.0\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let fixes = LogFixes.fixes(forLog: Self.resolutionLog, context: context, dockerfile: "Dockerfile")
        #expect(fixes.map(\.after) == ["    torchvision==0.20.1"])
        #expect(fixes.map(\.line) == [3])
        let applied = try FixApplier.apply(fixes, inContext: context)
        #expect(applied.count == 1)
        let text = try String(contentsOfFile: context + "/Dockerfile", encoding: .utf8)
        #expect(text == "FROM python:3.11\nRUN pip install torch==2.5.1 \\\n    torchvision==0.20.1\n")
    }

    @Test func missingDistributionPinsATorchTheIndexHas() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nRUN pip install torch==2.6.0 torchvision==0.21.0 "
                + "--index-url https://download.pytorch.org/whl/cu121\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let log = """
            ERROR: Could not find a version that satisfies the requirement torch==2.6.0 \
            (from versions: 2.1.0+cu121, 2.4.1+cu121, 2.5.0+cu121, 2.5.1+cu121)
            ERROR: No matching distribution found for torch==2.6.0
            """
        let fixes = LogFixes.fixes(forLog: log, context: context, dockerfile: "Dockerfile")
        let applied = try FixApplier.apply(fixes, inContext: context)
        #expect(applied.count == 2)
        let text = try String(contentsOfFile: context + "/Dockerfile", encoding: .utf8)
        #expect(text.contains("torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu121"))
        // Without pip's list, the knowledge says what cu121 has.
        let bare = LogFixes.fixes(
            forLog: "ERROR: No matching distribution found for torch==2.6.0", context: context,
            dockerfile: "Dockerfile")
        #expect(bare.isEmpty)  // already fixed above: nothing pins 2.6.0 now
    }

    @Test func badLocalLabelIsDropped() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": "--index-url https://download.pytorch.org/whl/cu124\ntorch==2.5.1+cu121\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let fixes = LogFixes.fixes(
            forLog: "ERROR: No matching distribution found for torch==2.5.1+cu121",
            context: context, dockerfile: "Dockerfile")
        #expect(fixes.map(\.after) == ["torch==2.5.1"])
        #expect(fixes.allSatisfy { !$0.after.isEmpty })
    }

    @Test func overrideBaseImageKeepsTheAlias() throws {
        let context = try Fixture.context([
            "Dockerfile":
                "ARG X=1\nFROM --platform=linux/amd64 pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime AS base\nRUN echo\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let applied = try #require(
            try FixApplier.overrideBaseImage(
                "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime", dockerfile: "Dockerfile",
                inContext: context))
        #expect(applied.fix.rule == RuleID.overrideBaseImage)
        #expect(applied.fix.kind == .baseImage)
        #expect(applied.fix.line == 2)
        #expect(
            applied.fix.after == "FROM --platform=linux/amd64 pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime AS base")
        #expect(applied.diff.contains("+FROM --platform=linux/amd64 pytorch/pytorch:2.6.0"))
        #expect(
            try FixApplier.overrideBaseImage(
                "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime", dockerfile: "Dockerfile",
                inContext: context) == nil)
    }

    @Test func twoFixesOnOneLineBothApply() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nRUN pip install torch==2.5.1 torchvision==0.21.0 numpy>=1.26\n"
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let report = try Analyzer.analyze(context: context)
        let fixes = report.findings.compactMap(\.fix)
        #expect(fixes.count == 2)
        let applied = try FixApplier.apply(fixes, inContext: context)
        #expect(applied.count == 2)
        let text = try String(contentsOfFile: context + "/Dockerfile", encoding: .utf8)
        #expect(text == "FROM python:3.11\nRUN pip install torch==2.5.1 torchvision==0.20.1 \"numpy>=1.26\"\n")
        #expect(try !Analyzer.analyze(context: context).hasErrors)
    }
}
