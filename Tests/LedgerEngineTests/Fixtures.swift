import Foundation

/// Paths to the repository's test fixtures.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(name)", encoding: .utf8)
    }

    static func lines(_ name: String) throws -> [ArraySlice<UInt8>] {
        let bytes = Array(try text(name).utf8)
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    }
}
