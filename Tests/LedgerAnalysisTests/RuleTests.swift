import Testing

@testable import LedgerAnalysis

/// One firing case and one near miss per rule.
@Suite struct RuleTests {
    struct Case: Sendable, CustomStringConvertible {
        var rule: String
        var severity: Severity
        var fires: [String: String]
        var nearMiss: [String: String]
        var description: String { rule }
    }

    static func pip(_ base: String, _ runs: String...) -> [String: String] {
        ["Dockerfile": "FROM \(base)\n" + runs.map { "RUN \($0)\n" }.joined()]
    }

    static func requirements(_ text: String, base: String = "python:3.11-slim") -> [String: String] {
        [
            "Dockerfile": "FROM \(base)\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
            "requirements.txt": text,
        ]
    }

    static let cases: [Case] = [
        Case(
            rule: RuleID.mergeConflict, severity: .error,
            fires: requirements("torch==2.5.1\n<<<<<<< HEAD\nnumpy\n=======\nscipy\n>>>>>>> main\n"),
            nearMiss: requirements("torch==2.5.1\n# ======= pinned below =======\nnumpy\n")),
        Case(
            rule: RuleID.requirementSyntax, severity: .error,
            fires: requirements("torch=2.5.1\n"), nearMiss: requirements("torch == 2.5.1\n")),
        Case(
            rule: RuleID.dockerfileSyntax, severity: .error,
            fires: ["Dockerfile": "FORM python:3.11\nRUN echo\n"],
            nearMiss: ["Dockerfile": "from python:3.11\nrun echo\n"]),
        Case(
            rule: RuleID.requirementsMissing, severity: .warning,
            fires: pip("python:3.11", "pip install -r /opt/req.txt"),
            nearMiss: [
                "Dockerfile": "FROM python:3.11\nCOPY req.txt /opt/req.txt\nRUN pip install -r /opt/req.txt\n",
                "req.txt": "numpy\n",
            ]),
        Case(
            rule: RuleID.visionPair, severity: .error,
            fires: requirements("torch==2.5.1\ntorchvision==0.21.0\n"),
            nearMiss: requirements("torch==2.5.1\ntorchvision==0.20.1\n")),
        Case(
            rule: RuleID.audioPair, severity: .error,
            fires: pip("python:3.11", "pip install torch==2.6.0 torchaudio==2.5.1"),
            nearMiss: pip("python:3.11", "pip install torch==2.13.0 torchaudio==2.11.0")),
        Case(
            rule: RuleID.unknownRelease, severity: .error,
            fires: pip("python:3.11", "pip install torch==2.5.2"),
            nearMiss: pip("python:3.11", "pip install torch==2.11.0")),
        Case(
            rule: RuleID.indexMissingBuild, severity: .error,
            fires: pip("python:3.11", "pip install torch==2.6.0 --index-url https://download.pytorch.org/whl/cu121"),
            nearMiss: pip(
                "python:3.11", "pip install torch==2.6.0 --index-url https://download.pytorch.org/whl/cu124")),
        Case(
            rule: RuleID.localVariant, severity: .error,
            fires: requirements(
                "-f https://download.pytorch.org/whl/torch_stable.html\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu121\n"
            ),
            nearMiss: requirements(
                "-f https://download.pytorch.org/whl/torch_stable.html\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu124\n"
            )),
        Case(
            rule: RuleID.extensionNvcc, severity: .error,
            fires: pip(
                "nvidia/cuda:11.8.0-devel-ubuntu22.04",
                "pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124",
                "pip install flash-attn --no-build-isolation"),
            nearMiss: pip(
                "nvidia/cuda:12.6.3-devel-ubuntu22.04",
                "pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124",
                "pip install flash-attn --no-build-isolation")),
        Case(
            rule: RuleID.impossibleTag, severity: .error,
            fires: pip("pytorch/pytorch:2.3.1-cuda12.1-cudnn9-runtime", "pip install numpy"),
            nearMiss: pip("pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", "pip install numpy")),
        Case(
            rule: RuleID.torchReplaced, severity: .warning,
            fires: pip("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "pip install torch==2.6.0"),
            nearMiss: pip("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "pip install torch==2.5.1 numpy")),
        Case(
            rule: RuleID.ngcPrerelease, severity: .error,
            fires: pip("nvcr.io/nvidia/pytorch:25.05-py3", "pip install torch==2.8.0"),
            nearMiss: pip("nvcr.io/nvidia/pytorch:25.05-py3", "pip install 'torch>=2.0' transformers")),
        Case(
            rule: RuleID.orderUnpinned, severity: .error,
            fires: pip("python:3.11", "pip install torchvision", "pip install torch==2.5.1"),
            nearMiss: pip("python:3.11", "pip install torch==2.5.1 torchvision")),
        Case(
            rule: RuleID.unquotedSpecifier, severity: .error,
            fires: pip("python:3.11", "pip install \"numpy\" torch>=2.0"),
            nearMiss: pip(
                "python:3.11", "pip install \"torch>=2.0\" 2>/dev/null", "[\"pip\", \"install\", \"numpy>=1.26\"]")),
        Case(
            rule: RuleID.wheelABI, severity: .error,
            fires: pip(
                "python:3.11",
                "pip install torch==2.6.0 https://github.com/Dao-AILab/flash-attention/releases/download/"
                    + "v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.5cxx11abiFALSE-cp311-cp311-linux_x86_64.whl"),
            nearMiss: pip(
                "python:3.11",
                "pip install torch==2.5.1 https://github.com/Dao-AILab/flash-attention/releases/"
                    + "download/v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.5cxx11abiFALSE-"
                    + "cp311-cp311-linux_x86_64.whl"
            )),
        Case(
            rule: RuleID.fullyShard, severity: .error,
            fires: [
                "Dockerfile": "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
                "requirements.txt": "torch==2.5.1\n",
                "src/train.py":
                    "from torch.distributed.fsdp import (\n    fully_shard,\n    MixedPrecisionPolicy,\n)\n",
            ],
            nearMiss: requirements("torch==2.5.1\n").merging(
                ["train.py": "from torch.distributed._composable.fsdp import fully_shard\n"]) { $1 }),
        Case(
            rule: RuleID.floatingTag, severity: .warning,
            fires: ["Dockerfile": "FROM python\nRUN echo\n"],
            nearMiss: ["Dockerfile": "FROM python:3.11-slim AS base\nFROM base\nRUN echo\n"]),
        Case(
            rule: RuleID.hubFloor, severity: .error,
            fires: requirements("transformers==4.56.1\nhuggingface-hub==0.33.0\n"),
            nearMiss: requirements("transformers==4.56.1\nhuggingface_hub==0.34.0\n")),
    ]

    @Test(arguments: cases)
    func firesAndMissesNearby(_ testCase: Case) throws {
        let fired = try Fixture.analyze(testCase.fires).findings.filter { $0.rule == testCase.rule }
        #expect(!fired.isEmpty, "\(testCase.rule) should fire")
        #expect(fired.allSatisfy { $0.severity == testCase.severity })
        #expect(fired.allSatisfy { $0.line != nil })
        let missed = try Fixture.analyze(testCase.nearMiss).findings.filter { $0.rule == testCase.rule }
        #expect(missed.isEmpty, "near miss fired: \(missed.map(\.message))")
    }

    @Test func everyRuleHasACase() {
        let covered = Set(Self.cases.map(\.rule))
        #expect(Set(RuleCatalog.all.map(\.id)) == covered)
    }

    @Test func fixesPinTheRightVersions() throws {
        let index = try Fixture.analyze(Self.cases[7].fires).findings.first { $0.rule == RuleID.indexMissingBuild }
        #expect(index?.fix?.after.contains("/whl/cu124") == true)
        let tag = try Fixture.analyze(Self.cases[10].fires).findings.first { $0.rule == RuleID.impossibleTag }
        #expect(tag?.fix?.after == "FROM pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime")
        #expect(tag?.fix?.kind == .baseImage)
        let replaced = try Fixture.analyze(Self.cases[11].fires).findings.first { $0.rule == RuleID.torchReplaced }
        #expect(replaced?.fix?.after == "FROM pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime")
        let order = try Fixture.analyze(Self.cases[13].fires).findings.first { $0.rule == RuleID.orderUnpinned }
        #expect(order?.fix?.after == "RUN pip install torchvision==0.20.1")
        let quote = try Fixture.analyze(Self.cases[14].fires).findings.first { $0.rule == RuleID.unquotedSpecifier }
        #expect(quote?.fix?.after == "RUN pip install \"numpy\" \"torch>=2.0\"")
        let local = try Fixture.analyze(Self.cases[8].fires).findings.first { $0.rule == RuleID.localVariant }
        #expect(local?.fix?.after == "torchvision==0.20.1+cu124")
        let missingTag = try Fixture.analyze(Self.pip("pytorch/pytorch:2.5.1-cuda12.4-runtime", "pip install numpy"))
        #expect(missingTag.findings.first?.fix?.after == "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
    }

    @Test func unverifiedFactsOnlyWarn() throws {
        // nvcc 11.8 against PyPI's default torch 2.5.1 build: its CUDA (12.4) is unverified memory.
        let report = try Fixture.analyze(
            Self.pip(
                "nvidia/cuda:11.8.0-devel-ubuntu22.04", "pip install torch==2.5.1",
                "pip install flash-attn --no-build-isolation"))
        let finding = report.findings.first { $0.rule == RuleID.extensionNvcc }
        #expect(finding?.severity == .warning)
        // NGC 22.12's torch is from memory: replacing it warns.
        let ngc = try Fixture.analyze(Self.pip("nvcr.io/nvidia/pytorch:22.12-py3", "pip install torch==2.0.1"))
        #expect(ngc.findings.filter { $0.rule == RuleID.ngcPrerelease }.map(\.severity) == [.warning])
    }

    @Test func realWorldNearMisses() throws {
        // A requirements file the RUN itself writes is not a missing input.
        let written = try Fixture.analyze(
            Self.pip("python:3.11", "echo \"torch>=2\" > /tmp/req.txt && pip install -r /tmp/req.txt"))
        #expect(written.findings.isEmpty, "\(written.findings.map(\.message))")
        // torch named unpinned beside unpinned companions: pip moves all three together.
        let together = try Fixture.analyze(
            Self.pip(
                "python:3.11", "pip install torch==2.5.1",
                "pip install torch torchvision torchaudio --index-url https://download.pytorch.org/whl/cu118"))
        #expect(together.findings.isEmpty, "\(together.findings.map(\.message))")
        // NGC with its own torch, extensions built with its nvcc, unpinned companions: nothing to report.
        let ngc = try Fixture.analyze(
            Self.pip(
                "nvcr.io/nvidia/pytorch:24.07-py3", "pip install --no-cache-dir transformers==4.44.2 datasets",
                "MAX_JOBS=8 pip install flash-attn --no-build-isolation", "pip install -e . 2>&1 | tee /tmp/log"))
        #expect(ngc.findings.isEmpty, "\(ngc.findings.map(\.message))")
        // A Python file the image never gets (no COPY brings it) is not the image's code.
        let uncopied = try Fixture.analyze(
            Self.requirements("torch==2.5.1\n").merging([
                "experiments/fsdp2.py": "from torch.distributed.fsdp import fully_shard\n"
            ]) { $1 })
        #expect(uncopied.findings.isEmpty, "\(uncopied.findings.map(\.message))")
        // Quoted and escaped specifiers, redirections of stderr.
        let quoted = try Fixture.analyze(
            Self.pip("python:3.11", "pip install -U \"pip<25\" torch\\>=2.0 'numpy<2' 2>&1 >/dev/null"))
        #expect(quoted.findings.isEmpty, "\(quoted.findings.map(\.message))")
    }

    @Test func torchRangeThatExcludesTheCompanionsTorch() throws {
        let report = try Fixture.analyze(Self.requirements("torch>=2.4,<2.6\ntorchvision==0.21.0\n"))
        let finding = try #require(report.findings.first { $0.rule == RuleID.visionPair })
        #expect(finding.severity == .error)
        #expect(finding.fix?.after == "torchvision==0.20.1")
        let fine = try Fixture.analyze(Self.requirements("torch>=2.4,<2.7\ntorchvision==0.21.0\n"))
        #expect(fine.findings.isEmpty, "\(fine.findings.map(\.message))")
    }
}
