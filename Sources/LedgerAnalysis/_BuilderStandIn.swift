// TEMPORARY stand-in for the analyzer's API (branch `analysis`), so the builder compiles and tests before the
// merge. The lead deletes this file when the real LedgerAnalysis lands; nothing else may depend on its details.
import Foundation

/// How serious a finding is.
public enum Severity: String, Codable, Sendable { case error, warning, info }

/// What a fix does.
public enum FixKind: String, Codable, Sendable { case pin, add, remove, baseImage = "base_image", quote, reorder }

/// A change to one line of one file (whole line texts; `file` relative to the context).
public struct Fix: Codable, Sendable, Equatable {
    public var rule: String
    public var kind: FixKind
    public var file: String
    public var line: Int?
    public var before: String
    public var after: String
}

/// One finding of the analyzer.
public struct Finding: Codable, Sendable, Equatable {
    public var rule: String
    public var severity: Severity
    public var message: String
    public var file: String
    public var line: Int?
    public var fix: Fix?
}

/// What the analyzer found in a context.
public struct AnalysisReport: Sendable {
    public var findings: [Finding]
    public var baseImage: String?
    public var pins: [String: String]
    public var requirementFiles: [String]
}

/// Stand-in analyzer: reads the first `FROM` and the `==` pins of `requirements.txt`; finds nothing.
public enum Analyzer {
    /// Analyzes `dockerfile` in `context`.
    public static func analyze(
        context: String, dockerfile: String = "Dockerfile", extraRequirements: [String] = [],
        buildArgs: [String: String] = [:]
    ) throws -> AnalysisReport {
        let text = try String(contentsOfFile: "\(context)/\(dockerfile)", encoding: .utf8)
        let from = text.split(separator: "\n").first { $0.uppercased().hasPrefix("FROM ") }
        let base = from.map { String($0.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
        var pins: [String: String] = [:]
        var files: [String] = []
        for name in ["requirements.txt"] + extraRequirements {
            guard let body = try? String(contentsOfFile: "\(context)/\(name)", encoding: .utf8) else { continue }
            files.append(name)
            for line in body.split(separator: "\n") {
                let parts = line.split(separator: "=", omittingEmptySubsequences: true)
                if line.contains("=="), parts.count == 2 {
                    pins[String(parts[0]).trimmingCharacters(in: .whitespaces).lowercased()] =
                        String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return AnalysisReport(findings: [], baseImage: base, pins: pins, requirementFiles: files)
    }
}

/// A fix as applied, with its unified diff.
public struct AppliedFix: Sendable, Equatable {
    public var fix: Fix
    public var diff: String
}

/// Stand-in fix applier: replaces whole lines.
public enum FixApplier {
    /// Applies each fix whose `before` is still on its line (or anywhere in the file when no line is given).
    public static func apply(_ fixes: [Fix], inContext context: String) throws -> [AppliedFix] {
        var applied: [AppliedFix] = []
        for fix in fixes {
            let path = "\(context)/\(fix.file)"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var lines = text.components(separatedBy: "\n")
            guard let index = fix.line.map({ $0 - 1 }) ?? lines.firstIndex(of: fix.before),
                index >= 0, index < lines.count, lines[index] == fix.before
            else { continue }
            lines[index] = fix.after
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let diff = "--- a/\(fix.file)\n+++ b/\(fix.file)\n@@ -\(index + 1) +\(index + 1) @@\n"
                + "-\(fix.before)\n+\(fix.after)\n"
            applied.append(AppliedFix(fix: fix, diff: diff))
        }
        return applied
    }

    /// Replaces the first `FROM` image.
    public static func overrideBaseImage(_ image: String, dockerfile: String, inContext context: String) throws
        -> AppliedFix?
    {
        let text = try String(contentsOfFile: "\(context)/\(dockerfile)", encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.uppercased().hasPrefix("FROM ") }) else { return nil }
        let fix = Fix(
            rule: "base-image-override", kind: .baseImage, file: dockerfile, line: index + 1, before: lines[index],
            after: "FROM \(image)")
        return try apply([fix], inContext: context).first
    }
}

/// Stand-in log fixes: reads pip's "X V depends on torch==T" and pins X to the version matching the torch pin.
public enum LogFixes {
    /// Fixes learned from a failed build's log.
    public static func fixes(forLog log: String, context: String, dockerfile: String) -> [Fix] {
        let vision = ["2.4.1": "0.19.1", "2.5.1": "0.20.1", "2.6.0": "0.21.0", "2.7.1": "0.22.1"]
        guard log.contains("torchvision"), log.contains("depends on torch==") else { return [] }
        let path = "\(context)/requirements.txt"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let lines = text.components(separatedBy: "\n")
        guard let torch = lines.first(where: { $0.hasPrefix("torch==") }).map({ String($0.dropFirst(7)) }),
            let want = vision[torch],
            let index = lines.firstIndex(where: { $0.hasPrefix("torchvision==") }),
            lines[index] != "torchvision==\(want)"
        else { return [] }
        return [
            Fix(
                rule: "torchvision-matches-torch", kind: .pin, file: "requirements.txt", line: index + 1,
                before: lines[index], after: "torchvision==\(want)")
        ]
    }
}
