import Foundation
import LedgerEngine
import LedgerStore
import Testing

@testable import LedgerBuilder

/// The output pipeline on its own: blocks cut anywhere, as the reader hands them over.
struct OutputPipelineTests {
    /// A pipeline over a fresh journal's log, collecting steps.
    final class Rig: @unchecked Sendable {
        let store: EventStore
        let log: LogWriter
        let pipeline: OutputPipeline

        init(secrets: [String] = []) throws {
            store = try Harness.store()
            log = try store.logWriter()
            let box = StepBox()
            pipeline = OutputPipeline(
                log: log, redactor: SecretRedactor(secretValues: secrets), echo: nil,
                onSteps: { box.steps += $0 })
            stepBox = box
        }

        private let stepBox: StepBox
        var parsedSteps: [BuildStep] { stepBox.steps }

        func feed(_ bytes: [UInt8], cuts: [Int], at now: ContinuousClock.Instant = .now) {
            var start = 0
            for cut in (cuts + [bytes.count]).sorted() where cut >= start && cut <= bytes.count {
                bytes[start..<cut].withUnsafeBytes { pipeline.consume($0, at: now) }
                start = cut
            }
        }

        func stored() throws -> (text: String, chunkSizes: [Int]) {
            var text = Data()
            var sizes: [Int] = []
            try store.readLog(id: log.id) { chunk in
                text.append(chunk)
                sizes.append(chunk.count)
            }
            return (String(decoding: text, as: UTF8.self), sizes)
        }
    }

    final class StepBox: @unchecked Sendable {
        var steps: [BuildStep] = []
    }

    @Test("lines cut anywhere are stored whole, redacted, parsed into steps; the last line gets its newline")
    func cutAnywhere() throws {
        var text = "Step 1/2 : FROM base\n ---> 1111aaaa2222\nStep 2/2 : RUN pip install -r requirements.txt\n"
        text += " ---> Running in 0123456789ab\n"
        for index in 0..<20_000 { text += "\(index) Collecting package-\(index) token=hf_AbCdEfGhIjKlMnOpQrStUvWx\n" }
        text += " ---> 3333bbbb4444\nSuccessfully built 3333bbbb4444\nlast line without newline s3cr3t-value"
        let bytes = Array(text.utf8)
        var random = SystemRandomNumberGenerator()
        let cuts = (0..<400).map { _ in Int.random(in: 0...bytes.count, using: &random) } + [1, 2, 3]
        let rig = try Rig(secrets: ["s3cr3t-value"])
        rig.feed(bytes, cuts: cuts)
        rig.pipeline.finish()
        #expect(rig.pipeline.error == nil)
        let (stored, sizes) = try rig.stored()
        let expected = SecretRedactor(secretValues: ["s3cr3t-value"]).redact(text) + "\n"
        #expect(stored == expected)
        #expect(!stored.contains("hf_AbCd") && !stored.contains("s3cr3t"))
        #expect(sizes.allSatisfy { $0 <= LogWriter.chunkSize })
        #expect(rig.parsedSteps.map(\.index) == [1, 2])
        #expect(rig.pipeline.parser.steps.count == 2)
        let tail = rig.pipeline.tailText
        #expect(tail.count <= OutputPipeline.tailLimit && expected.hasSuffix(tail))
        #expect(tail.utf8.count >= OutputPipeline.tailLimit - 4)
    }

    @Test("slow output is written once it is a second old, before the build ends")
    func slowOutputIsWrittenWithinASecond() throws {
        let rig = try Rig()
        let start = ContinuousClock.now
        rig.feed(Array("Step 1/1 : RUN sleep 60\n".utf8), cuts: [], at: start)
        #expect(try !rig.store.logExists(id: rig.log.id))
        rig.pipeline.idle(at: start + .milliseconds(1500))
        // The chunk writer stores it on its own thread.
        let deadline = ContinuousClock.now + .seconds(10)
        while try !rig.store.logExists(id: rig.log.id), ContinuousClock.now < deadline { usleep(10_000) }
        #expect(try rig.store.logExists(id: rig.log.id))
        rig.pipeline.finish()
        #expect(try rig.stored().text == "Step 1/1 : RUN sleep 60\n")
    }

    @Test("a line of megabytes is cut where no secret crosses: stored as its whole-line redaction")
    func longLinesKeepSecretsWhole() throws {
        let secrets = [
            "s3cr3t-value", "hf_AbCdEfGhIjKlMnOpQrStUvWx", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "ghp_1234567890abcdefghij1234567890",
        ]
        var random = SystemRandomNumberGenerator()
        var text = ""
        while text.utf8.count < 3 << 20 {
            text += String(repeating: "word ", count: Int.random(in: 0...40, using: &random))
            text += secrets.randomElement(using: &random) ?? ""
            text += " "
        }
        text += "\nnext line\n"
        let bytes = Array(text.utf8)
        let cuts = (0..<60).map { _ in Int.random(in: 0...bytes.count, using: &random) }
        let rig = try Rig(secrets: ["s3cr3t-value"])
        rig.feed(bytes, cuts: cuts)
        rig.pipeline.finish()
        let stored = try rig.stored().text
        #expect(stored == SecretRedactor(secretValues: ["s3cr3t-value"]).redact(text))
        for secret in ["s3cr3t", "hf_AbCd", "wJalrXUt", "eyJhbGci", "ghp_1234"] { #expect(!stored.contains(secret)) }
    }

    @Test("slow output does not pile up chunk capacity for the tail")
    func slowOutputTailStaysSmall() throws {
        let rig = try Rig()
        var now = ContinuousClock.now
        for index in 0..<3000 {
            now += .milliseconds(1100)
            rig.feed(Array("slow line \(index) of a quiet build\n".utf8), cuts: [], at: now)
            rig.pipeline.idle(at: now + .milliseconds(1100))
        }
        #expect(rig.pipeline.tailCapacity < 4 << 20, "\(rig.pipeline.tailCapacity) bytes held")
        rig.pipeline.finish()
        #expect(try rig.stored().text.hasSuffix("slow line 2999 of a quiet build\n"))
    }

    @Test("output without newlines is cut at 1 MiB, so memory stays bounded")
    func endlessLine() throws {
        let rig = try Rig()
        let block = [UInt8](repeating: UInt8(ascii: "x"), count: 256 << 10)
        for _ in 0..<12 { block.withUnsafeBytes { rig.pipeline.consume($0, at: .now) } }
        rig.pipeline.finish()
        let (stored, sizes) = try rig.stored()
        #expect(stored.utf8.count >= 12 * (256 << 10))
        #expect(sizes.count >= 2)
    }
}
