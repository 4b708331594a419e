import Foundation
import LedgerTestSupport
import Testing

@testable import LedgerStore

/// Seeded random inputs for the import line decoder: no crash, no hang, and agreement with Foundation's
/// JSON parser on whether a mutated line is JSON at all.
@Suite("Import line fuzzing")
struct ImportFuzzTests {
    static let valid = Array(
        #"{"id":"8d1c7a52-3f7e-4a57-9b1e-0c8c1f1c2b3a","stream":"build-1","type":"BuildStepFinished","occurred_at":"2026-11-20T10:00:00.5Z","data":{"project":"fsdp","s":"a\"b\\c\u00e9","n":[1,-2.5e3,true,false,null,{}]},"metadata":{"host":"h"}}"#
            .utf8)

    @Test("the valid seed line decodes with data kept as written")
    func seed() throws {
        let event = try EventLine.decode(Self.valid, source: "seed", line: 1)
        #expect(event.data == #"{"project":"fsdp","s":"a\"b\\c\u00e9","n":[1,-2.5e3,true,false,null,{}]}"#)
        #expect(event.metadata == #"{"host":"h"}"#)
    }

    @Test("20,000 mutated lines: never a crash, and JSON validity agrees with Foundation")
    func mutations() throws {
        var random = SeededRandom(seed: 0x1ED6E5)
        let alphabet = Array(#"{}[]":,\0123456789eE+-.tfnul ""#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        var disagreements: [String] = []
        for _ in 0..<20_000 {
            var line = Self.valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let at = Int.random(in: 0..<line.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: line[at] = alphabet.randomElement(using: &random) ?? 0
                case 1: line.remove(at: at)
                default: line.insert(alphabet.randomElement(using: &random) ?? 0, at: at)
                }
            }
            let ours = (try? JSONScanner.object(line)) != nil
            let foundation = (try? JSONSerialization.jsonObject(with: Data(line))) is [String: Any]
            if ours && !foundation {
                disagreements.append(String(decoding: line, as: UTF8.self))
            }
            _ = try? EventLine.decode(line, source: "fuzz", line: 1)
        }
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) accepted lines Foundation refuses, e.g. \(disagreements.first ?? "")")
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = Array(#"{"data":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: (any Error).self) { try JSONScanner.object(deep) }
    }
}
