import Foundation
import Testing

@testable import LedgerTester

@Suite("structure spec parsing")
struct StructureSpecTests {
    @Test("a real spec reads with every kind of test and its lines")
    func readsFixture() throws {
        let spec = try StructureSpec.load(path: Fixtures.spec("base-image.yaml"))
        #expect(
            spec.commandTests.map(\.name) == [
                "good python version", "good env var", "bad exit code", "bad output", "bad missing command",
            ])
        #expect(spec.commandTests[0].line == 4)
        #expect(spec.commandTests[0].expectedOutput == [#"^Python 3\.11\.\d+$"#])
        #expect(spec.commandTests[1].envVars == ["GREETING": "hello-ledger"])
        #expect(spec.commandTests[1].exitCode == 4)
        #expect(spec.fileExistenceTests[0].permissions == "-rwxr-xr-x")
        #expect(spec.fileExistenceTests[0].uid == 0)
        #expect(spec.fileExistenceTests[1].shouldExist == false)
        #expect(spec.fileContentTests[1].expectedContents == ["jammy"])
        let metadata = try StructureSpec.load(path: Fixtures.spec("metadata-good.yaml")).metadataTest
        #expect(metadata?.cmd == ["python3"])
        #expect(metadata?.entrypoint == [])
        #expect(metadata?.unexposedPorts == ["8080"])
    }

    @Test(
        "a malformed spec is refused with its file and line",
        arguments: [
            ("malformed-yaml.yaml", 6, "invalid YAML"),
            ("unknown-key.yaml", 8, "unknown key `shouldExists`"),
            ("bad-regex.yaml", 6, "invalid regular expression: (unclosed"),
            ("missing-command.yaml", 5, "needs `command`"),
        ])
    func malformed(file: String, line: Int, message: String) throws {
        let path = Fixtures.spec(file)
        let error = try #require(throws: StructureSpecError.self) { try StructureSpec.load(path: path) }
        #expect(error.file == path)
        #expect(error.line == line)
        #expect(error.message.contains(message))
        #expect(error.description.hasPrefix("\(path):\(line): "))
    }

    @Test("inline errors: wrong types, duplicates, unsupported keys, empty file")
    func inlineErrors() throws {
        let cases: [(String, Int, String)] = [
            ("commandTests:\n  - name: x\n    command: true\n    exitCode: zero\n", 4, "`exitCode` must be an integer"),
            ("commandTests: {}\n", 1, "`commandTests` must be a list"),
            ("commandTests:\n  - name: a b\n    command: x\n  - name: a-b\n    command: y\n", 4, "duplicate test"),
            ("globalEnvVars: []\n", 1, "not supported"),
            ("schemaVersion: 1.0.0\n", 1, "schemaVersion 1.0.0 is not supported"),
            ("", 1, "the spec is empty"),
        ]
        for (text, line, message) in cases {
            let error = try #require(throws: StructureSpecError.self) { try StructureSpec.parse(text, file: "s.yaml") }
            #expect(error.line == line, "\(text)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("project names come from the image repository")
    func projectNames() {
        #expect(TestRunOptions.project(fromImage: "fsdp:abc") == "fsdp")
        #expect(TestRunOptions.project(fromImage: "registry:5000/team/fsdp:v1") == "fsdp")
        #expect(TestRunOptions.project(fromImage: "team/fsdp@sha256:0123") == "fsdp")
        #expect(TestRunOptions.project(fromImage: "fsdp") == "fsdp")
    }
}
