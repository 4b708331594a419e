import Testing

@testable import LedgerAnalysis

@Suite struct DockerfileParserTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        /// keyword@line: arguments
        var instructions: [String]
        var findings: [String] = []
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "continuations with comments and blank lines inside",
            text: "FROM python:3.11-slim\nRUN apt-get update \\\n    # a comment\n\n    && pip install torch\n",
            instructions: ["FROM@1: python:3.11-slim", "RUN@2: apt-get update && pip install torch"]),
        Case(
            name: "escape directive",
            text: "# escape=`\nFROM mcr.microsoft.com/windows\nRUN pip install `\n    numpy\n",
            instructions: ["FROM@2: mcr.microsoft.com/windows", "RUN@3: pip install numpy"]),
        Case(
            name: "ARG before FROM, multi-stage, COPY --from",
            text: "ARG TAG=2.5.1\nFROM pytorch/pytorch:${TAG}-cuda12.4-cudnn9-devel AS build\nFROM build AS final\n"
                + "COPY --from=build --chown=1000 /wheels /wheels\n",
            instructions: [
                "ARG@1: TAG=2.5.1", "FROM@2: pytorch/pytorch:${TAG}-cuda12.4-cudnn9-devel AS build",
                "FROM@3: build AS final",
                "COPY@4: /wheels /wheels",
            ]),
        Case(
            name: "exec form and heredoc",
            text:
                "FROM ubuntu:22.04\nRUN [\"pip\", \"install\", \"torch>=2\"]\n"
                + "RUN <<EOF\npip install numpy\nEOF\nCMD [\"bash\"]\n",
            instructions: [
                "FROM@1: ubuntu:22.04", "RUN@2: [\"pip\", \"install\", \"torch>=2\"]", "RUN@3: <<EOF",
                "CMD@6: [\"bash\"]",
            ]),
        Case(
            name: "lower-case keywords and CRLF",
            text: "from python:3.11\r\nrun pip install -r requirements.txt\r\n",
            instructions: ["FROM@1: python:3.11", "RUN@2: pip install -r requirements.txt"]),
        Case(
            name: "unknown instruction and unterminated heredoc",
            text: "FROM python:3.11\nINSTALL torch\nRUN <<EOT\npip install numpy\n",
            instructions: ["FROM@1: python:3.11", "RUN@3: <<EOT"],
            findings: ["syntax.dockerfile@2", "syntax.dockerfile@3"]),
        Case(
            name: "merge-conflict markers",
            text:
                "FROM python:3.11\n<<<<<<< HEAD\nRUN pip install torch==2.5.1\n=======\nRUN pip install torch==2.6.0\n"
                + ">>>>>>> upgrade\n",
            instructions: [
                "FROM@1: python:3.11", "RUN@3: pip install torch==2.5.1", "RUN@5: pip install torch==2.6.0",
            ],
            findings: ["syntax.merge-conflict@2", "syntax.merge-conflict@4", "syntax.merge-conflict@6"]),
        Case(
            name: "no FROM", text: "RUN echo hi\n", instructions: ["RUN@1: echo hi"],
            findings: ["syntax.dockerfile@1"]),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: Case) {
        let dockerfile = DockerfileParser.parse(testCase.text, path: "Dockerfile")
        #expect(dockerfile.instructions.map { "\($0.keyword)@\($0.line): \($0.arguments)" } == testCase.instructions)
        #expect(dockerfile.findings.map { "\($0.rule)@\($0.line ?? 0)" } == testCase.findings)
    }

    @Test func flagsAndHeredocBody() throws {
        let text =
            "FROM --platform=linux/amd64 python:3.11\nRUN --mount=type=cache,target=/root/.cache <<-EOF\n"
            + "\tpip install torch==2.5.1\n\tEOF\n"
        let dockerfile = DockerfileParser.parse(text, path: "Dockerfile")
        #expect(dockerfile.instructions[0].flags == ["--platform=linux/amd64"])
        #expect(dockerfile.instructions[1].flags == ["--mount=type=cache,target=/root/.cache"])
        let heredoc = try #require(dockerfile.instructions[1].heredocs.first)
        #expect(heredoc.name == "EOF")
        #expect(heredoc.lines.map(\.number) == [3])
        #expect(heredoc.lines.map(\.text) == ["pip install torch==2.5.1"])
    }

    @Test func offsetsMapToPhysicalLines() {
        let text = "FROM python:3.11\nRUN pip install \\\n      torch==2.5.1 \\\n      torchvision==0.20.1\n"
        let run = DockerfileParser.parse(text, path: "Dockerfile").instructions[1]
        let offset = run.arguments.utf8Offset(of: "torchvision") ?? -1
        let location = run.location(ofArgumentOffset: offset)
        #expect(location.line == 4)
        #expect(location.column == 6)
    }

    @Test func shellWordsAndGluedRedirections() {
        let commands = ShellTokenizer.commands(
            in: "pip install 'torch>=2.0' numpy>=1.26 \"x<2\" 2>/dev/null && echo ${TAG:-none} $V > out.txt",
            variables: ["V": "1"])
        #expect(commands.count == 2)
        #expect(commands[0].words.map(\.text) == ["pip", "install", "torch>=2.0", "numpy", "x<2"])
        #expect(commands[0].glued.count == 1)
        #expect(commands[0].glued.first?.wordIndex == 3)
        #expect(commands[1].words.map(\.text) == ["echo", "none", "1"])
    }

    @Test func installsOfEveryTool() {
        let script = """
            pip install --no-cache-dir -U torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124 \
            && python3 -m pip install -r /app/requirements.txt -c /app/constraints.txt \
            && uv pip install --system "transformers>=4.46" \
            && conda install -y -c pytorch pytorch=2.5.1 pytorch-cuda=12.4 \
            && PIP_NO_CACHE_DIR=1 mamba install numpy==1.26.4 \
            && pip download torch && pip3.11 install --no-build-isolation flash-attn
            """
        let installs = InstallExtractor.installs(
            in: ShellTokenizer.commands(in: script, variables: [:]), variables: [:])
        #expect(installs.map(\.tool.rawValue) == ["pip", "pip", "uv", "conda", "conda", "pip"])
        #expect(installs[0].packages.map(\.requirement.text) == ["torch==2.5.1"])
        #expect(installs[0].indexURL?.text == "https://download.pytorch.org/whl/cu124")
        #expect(installs[1].files.map(\.path) == ["/app/requirements.txt", "/app/constraints.txt"])
        #expect(installs[1].files.map(\.isConstraint) == [false, true])
        #expect(installs[2].packages.map(\.requirement.text) == ["transformers>=4.46"])
        #expect(installs[3].packages.map(\.requirement.normalizedName) == ["torch", "pytorch-cuda"])
        #expect(installs[3].packages.first?.requirement.specifier.description == "==2.5.1")
        #expect(installs[4].assignments["PIP_NO_CACHE_DIR"] == "1")
        #expect(installs[5].noBuildIsolation)
    }
}
