import Foundation
import LedgerTestSupport
import Testing

@testable import LedgerTester

/// Seeded random mutations of a real spec: the parser returns a spec or an error naming the file and a
/// line inside it, never crashes or hangs; binary files are refused with a clear error.
@Suite("Structure spec fuzzing")
struct StructureSpecFuzzTests {
    static let valid = """
        schemaVersion: 2.0.0
        commandTests:
          - name: python version
            command: python3
            args: ["--version"]
            expectedOutput: ["Python 3\\\\."]
            exitCode: 0
        fileExistenceTests:
          - name: fsdp sources
            path: /fsdp/train.py
            shouldExist: true
            permissions: "-rw-r--r--"
        fileContentTests:
          - name: requirements pin
            path: /fsdp/requirements.txt
            expectedContents: ["torch==2\\\\.5\\\\.1"]
        metadataTest:
          env:
            - key: PATH
              value: /usr/bin
          workdir: /fsdp
        """

    @Test("the seed spec parses")
    func seed() throws {
        let spec = try StructureSpec.parse(Self.valid, file: "seed.yaml")
        #expect(spec.file == "seed.yaml")
    }

    @Test("5,000 mutated specs: a spec or an error with a line inside the file")
    func mutations() {
        var random = SeededRandom(seed: 0x5EED)
        func next() -> Int { Int(random.next() % UInt64(Int.max)) }
        let alphabet = Array(":-[]{}\"'#&*!|>%@` \n\t0123456789abcdefxyz,.\\".unicodeScalars)
        let lineCount = Self.valid.split(separator: "\n", omittingEmptySubsequences: false).count
        var badLines: [String] = []
        for _ in 0..<5_000 {
            var scalars = Array(Self.valid.unicodeScalars)
            for _ in 0..<(1 + next() % 4) {
                let at = next() % scalars.count
                switch next() % 3 {
                case 0: scalars[at] = alphabet[next() % alphabet.count]
                case 1: scalars.remove(at: at)
                default: scalars.insert(alphabet[next() % alphabet.count], at: at)
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            do {
                _ = try StructureSpec.parse(text, file: "fuzz.yaml")
            } catch let error as StructureSpecError {
                if error.file != "fuzz.yaml" || error.line < 0 || error.line > lineCount + 5 {
                    badLines.append("\(error.file):\(error.line)")
                }
            } catch {
                badLines.append("unexpected error type: \(error)")
            }
        }
        #expect(badLines.isEmpty, "\(badLines.prefix(3))")
    }

    @Test("a binary spec file is refused with a clear error")
    func binary() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID()).yaml").path
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: path))
        #expect(throws: StructureSpecError.self) { try StructureSpec.load(path: path) }
        do { _ = try StructureSpec.load(path: path) } catch let error as StructureSpecError {
            #expect(error.message.contains("not UTF-8 text"))
        }
    }
}
