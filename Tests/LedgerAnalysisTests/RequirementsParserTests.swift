import Testing

@testable import LedgerAnalysis

@Suite struct RequirementsParserTests {
    struct Case: Sendable, CustomStringConvertible {
        var line: String
        var name: String
        var spec: String
        var url: String?
        var marker: String?
        var description: String { line }
    }

    /// Shapes from real requirements files.
    static let cases: [Case] = [
        Case(line: "torch==2.5.1", name: "torch", spec: "==2.5.1"),
        Case(line: "torch==2.5.1+cu124", name: "torch", spec: "==2.5.1+cu124"),
        Case(line: "torchvision >= 0.20, < 0.21", name: "torchvision", spec: ">=0.20,<0.21"),
        Case(line: "transformers[torch,sentencepiece]>=4.46,<5", name: "transformers", spec: ">=4.46,<5"),
        Case(
            line: "numpy<2; python_version >= \"3.9\"", name: "numpy", spec: "<2", marker: "python_version >= \"3.9\""),
        Case(line: "Flash_Attn==2.7.4.post1", name: "Flash_Attn", spec: "==2.7.4.post1"),
        Case(line: "accelerate", name: "accelerate", spec: ""),
        Case(line: "deepspeed (>=0.15)", name: "deepspeed", spec: ">=0.15"),
        Case(
            line: "apex @ git+https://github.com/NVIDIA/apex.git@24.04.01", name: "apex", spec: "",
            url: "git+https://github.com/NVIDIA/apex.git@24.04.01"),
        Case(
            line:
                "https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.4.post1/"
                + "flash_attn-2.7.4.post1+cu12torch2.5cxx11abiFALSE-cp311-cp311-linux_x86_64.whl",
            name: "flash_attn", spec: "",
            url:
                "https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.4.post1/"
                + "flash_attn-2.7.4.post1+cu12torch2.5cxx11abiFALSE-cp311-cp311-linux_x86_64.whl"
        ),
        Case(
            line: "./wheels/custom_ops-0.1.0-py3-none-any.whl", name: "custom_ops", spec: "",
            url: "./wheels/custom_ops-0.1.0-py3-none-any.whl"),
    ]

    @Test(arguments: cases)
    func parsesRequirement(_ testCase: Case) throws {
        let requirement = try #require(Requirement.parse(testCase.line))
        #expect(requirement.name == testCase.name)
        #expect(requirement.specifier.description == testCase.spec)
        #expect(requirement.url == testCase.url)
        #expect(requirement.marker == testCase.marker)
    }

    @Test func wheelFileVersion() throws {
        let requirement = try #require(Requirement.parse(Self.cases[9].line))
        #expect(requirement.wheelVersion?.description == "2.7.4.post1+cu12torch2.5cxx11abifalse")
        #expect(requirement.normalizedName == "flash-attn")
    }

    @Test(arguments: ["torch===", "torch==", "==2.5.1", "torch>=2,,", "torch[cuda", "-torch", "torch 2.5.1"])
    func rejectsMalformed(_ line: String) {
        #expect(Requirement.parse(line) == nil)
    }

    @Test func fileWithOptionsContinuationsAndComments() {
        let text = """
            # pinned for the FSDP example
            --index-url https://download.pytorch.org/whl/cu124
            --extra-index-url https://pypi.org/simple
            -r base.txt
            -c constraints.txt
            torch==2.5.1+cu124 \\
                --hash=sha256:abc
            torchvision==0.20.1+cu124  # same CUDA
            numpy; sys_platform == "darwin"
            not a requirement!
            <<<<<<< HEAD
            """
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            ($0.offset + 1, $0.element)
        }
        let document = RequirementsParser.parse(lines: lines, path: "requirements.txt", isConstraint: false)
        #expect(document.indexURL?.url == "https://download.pytorch.org/whl/cu124")
        #expect(document.indexURL?.line == 2)
        #expect(document.extraIndexURLs.map(\.url) == ["https://pypi.org/simple"])
        #expect(document.includes.map(\.path) == ["base.txt", "constraints.txt"])
        #expect(document.includes.map(\.isConstraint) == [false, true])
        #expect(document.sites.map(\.requirement.normalizedName) == ["torch", "torchvision", "numpy"])
        #expect(document.sites.map(\.line) == [6, 8, 9])
        #expect(document.sites[1].written == "torchvision==0.20.1+cu124")
        #expect(document.sites[2].applies == false)
        #expect(document.findings.map(\.rule) == [RuleID.requirementSyntax, RuleID.mergeConflict])
        #expect(document.findings.map(\.line) == [10, 11])
    }

    @Test(arguments: [
        ("sys_platform == \"linux\"", true as Bool?), ("sys_platform == 'darwin'", false),
        ("python_version >= \"3.9\"", nil), ("platform_system == \"Windows\" or os_name == \"posix\"", true),
        ("(sys_platform == \"win32\") and python_version < \"3.8\"", false), ("extra == \"cuda\"", nil),
        ("garbage ((", nil),
    ])
    func markers(marker: String, expected: Bool?) {
        #expect(Marker.evaluate(marker) == expected)
    }
}
