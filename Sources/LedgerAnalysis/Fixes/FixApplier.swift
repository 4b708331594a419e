import Foundation

/// A fix as applied, with the unified diff of the change.
public struct AppliedFix: Sendable, Equatable {
    /// The fix.
    public var fix: Fix
    /// Unified diff of the file for this fix.
    public var diff: String

    /// Memberwise initializer.
    public init(fix: Fix, diff: String) {
        self.fix = fix
        self.diff = diff
    }
}

/// Applies fixes to the files of a context (the build's copy), line by line.
public enum FixApplier {
    /// Applies fixes to the files under `context` (a copy), rewriting the named lines; returns each with a unified
    /// diff. Fixes whose `before` no longer matches are skipped.
    public static func apply(_ fixes: [Fix], inContext context: String) throws -> [AppliedFix] {
        let files = ContextFiles(root: context)
        var applied: [AppliedFix] = []
        var order: [String] = []
        var grouped: [String: [Fix]] = [:]
        for fix in fixes {
            let path = files.relative(fix.file)
            guard !path.hasPrefix("/"), !path.isEmpty else { continue }
            if grouped[path] == nil { order.append(path) }
            grouped[path, default: []].append(fix)
        }
        for path in order {
            guard let fixesOfFile = grouped[path], files.exists(path) else { continue }
            let text = try files.readText(path)
            let newline = text.contains("\r\n") ? "\r\n" : "\n"
            let endsWithNewline = text.hasSuffix("\n")
            let original = DockerfileParser.splitLines(text)
            var lines = original
            for fix in fixesOfFile {
                guard let index = locate(fix, in: lines, original: original) else { continue }
                let before = lines
                let replacement: String
                if lines[index] == fix.before {
                    replacement = fix.after
                } else if let merged = merge(fix, into: lines[index]) {
                    replacement = merged
                } else {
                    continue
                }
                guard replacement != lines[index] else { continue }
                lines[index] = replacement
                var done = fix
                done.line = index + 1
                done.before = before[index]
                done.after = replacement
                applied.append(AppliedFix(fix: done, diff: UnifiedDiff.diff(old: before, new: lines, path: path)))
            }
            if lines != original {
                let output = lines.joined(separator: newline) + (endsWithNewline ? newline : "")
                let url = URL(fileURLWithPath: files.absolute(path))
                try Data(output.utf8).write(to: url, options: .atomic)
            }
        }
        return applied
    }

    /// The line index a fix applies to: its line when `before` matches there (or matched before earlier fixes
    /// of this batch rewrote it), else the only line equal to `before`.
    static func locate(_ fix: Fix, in lines: [String], original: [String]) -> Int? {
        if let line = fix.line, line >= 1, line <= lines.count {
            if lines[line - 1] == fix.before || original[line - 1] == fix.before { return line - 1 }
        }
        let matches = lines.indices.filter { lines[$0] == fix.before }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Re-applies a fix to a line an earlier fix already changed: the changed stretch (widened to whole
    /// words) must still be there exactly once.
    static func merge(_ fix: Fix, into current: String) -> String? {
        let before = Array(fix.before.utf8), after = Array(fix.after.utf8)
        var prefix = 0
        while prefix < before.count, prefix < after.count, before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < before.count - prefix, suffix < after.count - prefix,
            before[before.count - 1 - suffix] == after[after.count - 1 - suffix]
        {
            suffix += 1
        }
        var start = prefix
        while start > 0, before[start - 1] != 32, before[start - 1] != 9 { start -= 1 }
        var endBefore = before.count - suffix
        var endAfter = after.count - suffix
        while endBefore < before.count, before[endBefore] != 32, before[endBefore] != 9 {
            endBefore += 1
            endAfter += 1
        }
        let old = String(decoding: before[start..<endBefore], as: UTF8.self)
        let new = String(decoding: after[start..<endAfter], as: UTF8.self)
        guard !old.isEmpty, let offset = current.utf8Offset(of: old),
            current.utf8Offset(of: old, from: offset + 1) == nil
        else { return nil }
        return current.replacingUTF8(at: offset, length: old.utf8.count, with: new)
    }

    /// Replaces the first stage's base image (for `--base-image`), returning the applied fix (kind base_image,
    /// rule `override.base-image`).
    public static func overrideBaseImage(_ image: String, dockerfile: String, inContext context: String) throws
        -> AppliedFix?
    {
        let files = ContextFiles(root: context)
        let path = files.relative(dockerfile)
        let parsed = DockerfileParser.parse(try files.readText(path, name: dockerfile), path: path)
        guard let from = parsed.instructions.first(where: { $0.keyword == "FROM" }),
            let written = from.arguments.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
            written != image
        else { return nil }
        let line =
            (from.line...max(from.line, from.segments.last?.line ?? from.line)).first {
                parsed.lineText($0).utf8Offset(of: written) != nil
            } ?? from.line
        guard
            let fix = FixBuilder.substitute(
                written, with: image, lines: parsed.lines, file: path, line: line,
                rule: RuleID.overrideBaseImage, kind: .baseImage)
        else { return nil }
        return try apply([fix], inContext: context).first
    }
}
