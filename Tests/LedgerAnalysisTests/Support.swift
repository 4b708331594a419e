import Foundation

@testable import LedgerAnalysis

/// Test helpers: fixture folders and throwaway contexts.
enum Fixture {
    /// `Tests/Fixtures/analysis/<name>`.
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/analysis/\(name)").path
    }

    /// Copies a fixture folder to a fresh temporary folder (fix tests rewrite files).
    static func copy(_ name: String) throws -> String {
        let target = try temporaryFolder()
        for item in try FileManager.default.contentsOfDirectory(atPath: path(name)) {
            try FileManager.default.copyItem(atPath: path(name) + "/" + item, toPath: target + "/" + item)
        }
        return target
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A context holding `files` (relative path -> text).
    static func context(_ files: [String: String]) throws -> String {
        let root = try temporaryFolder()
        for (name, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    /// Analyzes a context made of `files`.
    static func analyze(_ files: [String: String]) throws -> AnalysisReport {
        let root = try context(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        return try Analyzer.analyze(context: root)
    }
}
