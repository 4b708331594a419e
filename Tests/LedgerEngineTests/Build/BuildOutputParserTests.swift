import Foundation
import LedgerEngine
import Testing

struct BuildOutputParserTests {
    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var dialect: String
        var steps: Int
        var cached: Int
        var imageID: String?
        var firstInstruction: String
        var description: String { file }
    }

    static let transcripts: [Expectation] = [
        Expectation(
            file: "legacy/resolver-conflict.txt", dialect: "legacy", steps: 4, cached: 3, imageID: nil,
            firstInstruction: "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"),
        Expectation(
            file: "legacy/success-cold.txt", dialect: "legacy", steps: 7, cached: 2, imageID: "d1efe5dd2f2d",
            firstInstruction: "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"),
        Expectation(
            file: "legacy/success-cached.txt", dialect: "legacy", steps: 7, cached: 6, imageID: "d1efe5dd2f2d",
            firstInstruction: "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"),
        Expectation(
            file: "legacy/network.txt", dialect: "legacy", steps: 1, cached: 0, imageID: nil,
            firstInstruction: "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"),
        Expectation(
            file: "buildkit/resolver-conflict.txt", dialect: "buildkit", steps: 4, cached: 2, imageID: nil,
            firstInstruction:
                "FROM docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime@sha256:"
                + "11691e035a3651d25a87116b4f6adc113a27a29d8f5a6a583f8569e0ee5ff897"),
        Expectation(
            file: "buildkit/multistage-success.txt", dialect: "buildkit", steps: 5, cached: 1,
            imageID: "sha256:3f1e6a8c2b9d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab",
            firstInstruction:
                "FROM docker.io/library/python:3.11-slim@sha256:"
                + "5be45dbade29bebd6886af6b438fd7e0b4eb7b611f39ba62b430263f82de36d2"),
    ]

    @Test(arguments: transcripts)
    func parsesRecordedTranscript(_ expected: Expectation) throws {
        var parser = BuildOutputParser()
        var emitted: [BuildStep] = []
        for line in try Fixture.lines(expected.file) { emitted += parser.consume(line) }
        #expect(parser.dialect == expected.dialect)
        #expect(emitted == parser.steps)
        #expect(parser.steps.count == expected.steps)
        #expect(parser.cachedSteps == expected.cached)
        #expect(parser.imageID == expected.imageID)
        #expect(parser.steps.first?.instruction == expected.firstInstruction)
        #expect(parser.steps.map(\.index) == Array(1...expected.steps))
    }

    @Test func legacyStepCarriesTotalAndCache() throws {
        var parser = BuildOutputParser()
        for line in try Fixture.lines("legacy/success-cached.txt") { parser.consume(line) }
        let run = try #require(parser.steps.first { $0.instruction.hasPrefix("RUN pip install") })
        #expect(run.index == 5)
        #expect(run.total == 7)
        #expect(run.cached)
        #expect(parser.tagged == ["ledger-scratch:t1"])
    }

    @Test func buildKitUsesItsOwnDurations() throws {
        var parser = BuildOutputParser()
        for line in try Fixture.lines("buildkit/multistage-success.txt") { parser.consume(line) }
        let durations = parser.steps.map(\.durationS)
        #expect(durations == [0.1, 0, 2.4, 0.1, 1.3])
        #expect(parser.steps[2].instruction == "RUN pip wheel --no-deps -w /wheels -r /src/requirements.txt")
        #expect(parser.steps[2].total == 3)
    }

    @Test func legacyDurationsComeFromArrivalTimes() {
        var parser = BuildOutputParser()
        let start = ContinuousClock.now
        parser.consume(text: "Step 1/2 : RUN sleep 2", at: start)
        parser.consume(text: " ---> Running in 0123456789ab", at: start + .milliseconds(10))
        let steps = parser.consume(text: " ---> 9b1c0d2e3f4a", at: start + .milliseconds(2500))
        #expect(steps.count == 1)
        #expect(steps.first?.durationS == 2.5)
        #expect(steps.first?.cached == false)
    }

    @Test func colouredLinesAreStrippedBeforeParsing() {
        var parser = BuildOutputParser()
        parser.consume(Array("\u{1B}[91mStep 1/1 : RUN false\u{1B}[0m".utf8)[...])
        let steps = parser.consume(Array("\u{1B}[0m ---> abcdef012345".utf8)[...])
        #expect(steps.first?.instruction == "RUN false")
    }

    @Test func ansiStripRemovesCSISequences() {
        #expect(ANSI.strip("\u{1B}[91mERROR: boom\n\u{1B}[0m") == "ERROR: boom\n")
        #expect(ANSI.strip("plain") == "plain")
        #expect(ANSI.strip("\u{1B}[1;31mred\u{1B}[0m and \u{1B}[Kclear") == "red and clear")
    }
}
