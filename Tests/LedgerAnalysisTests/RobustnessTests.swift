import Foundation
import LedgerTestSupport
import Testing

@testable import LedgerAnalysis

/// The parsers are total and linear: garbage never crashes or hangs them.
@Suite struct RobustnessTests {
    @Test func garbageNeverCrashes() throws {
        var generator = SeededRandom(seed: 7)
        let alphabet = Array("FROM RUN pip install torch==2.5.1 \\\n\"'<>$(){}[]#=;&|`-@+*.:/\t\r <<EOF EOF\n".utf8)
        for _ in 0..<300 {
            let length = Int(generator.next() % 400)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let text = String(decoding: bytes, as: UTF8.self)
            let dockerfile = DockerfileParser.parse(text, path: "Dockerfile")
            #expect(dockerfile.lines.count <= text.utf8.count + 1)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                ($0.offset + 1, $0.element)
            }
            _ = RequirementsParser.parse(lines: lines, path: "r.txt", isConstraint: false)
            _ = ShellTokenizer.commands(in: text, variables: ["A": "1"])
            _ = Marker.evaluate(text)
            _ = PackageVersion(text)
        }
    }

    @Test func garbageContextIsAnalyzed() throws {
        let context = try Fixture.context([
            "Dockerfile": "FROM python:3.11\nCOPY r.txt .\nRUN pip install -r r.txt \"$(cat x)\" ${UNSET} 'a\nRUN <<\n",
            "r.txt": "\\\n-r r.txt\n-c\n--index-url\n[]\n@@@\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: context) }
        let report = try Analyzer.analyze(context: context)
        #expect(report.findings.contains { $0.rule == RuleID.requirementSyntax })
    }

    @Test func largeInputsStayLinear() throws {
        let line = "RUN pip install --no-cache-dir numpy==1.26.4 \"torch>=2.0\" && echo done\n"
        let small = "FROM python:3.11\n" + String(repeating: line, count: 2_000)
        let large = "FROM python:3.11\n" + String(repeating: line, count: 20_000)
        let files = ContextFiles(root: "/nonexistent")
        let clock = ContinuousClock()
        let smallTime = try clock.measure {
            _ = try Analyzer.analyze(dockerfileText: small, path: "Dockerfile", files: files, readSources: false)
        }
        let largeTime = try clock.measure {
            _ = try Analyzer.analyze(dockerfileText: large, path: "Dockerfile", files: files, readSources: false)
        }
        // Ten times the input may take at most ~30 times as long (noise on a shared machine), never quadratic (100x).
        #expect(largeTime < smallTime * 30 + .milliseconds(200))
        // One RUN continued over many lines.
        let continued =
            "FROM python:3.11\nRUN pip install \\\n" + String(repeating: "    numpy==1.26.4 \\\n", count: 20_000)
            + "    scipy\n"
        let continuedTime = try clock.measure {
            _ = try Analyzer.analyze(dockerfileText: continued, path: "Dockerfile", files: files, readSources: false)
        }
        #expect(continuedTime < .seconds(10))
    }
}
