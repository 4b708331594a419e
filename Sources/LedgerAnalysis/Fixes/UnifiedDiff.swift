/// Unified diffs of line replacements (the line count never changes: fixes rewrite lines in place).
public enum UnifiedDiff {
    /// A unified diff between `old` and `new` (same number of lines), 3 lines of context, `a/` and `b/` prefixes.
    public static func diff(old: [String], new: [String], path: String, context: Int = 3) -> String {
        let count = min(old.count, new.count)
        let changed = (0..<count).filter { old[$0] != new[$0] }
        guard !changed.isEmpty else { return "" }
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        var hunkStart = 0
        var index = 0
        while index < changed.count {
            hunkStart = max(0, changed[index] - context)
            var hunkEnd = min(count - 1, changed[index] + context)
            var last = index
            while last + 1 < changed.count, changed[last + 1] - context <= hunkEnd + 1 {
                last += 1
                hunkEnd = min(count - 1, changed[last] + context)
            }
            let length = hunkEnd - hunkStart + 1
            out += "@@ -\(hunkStart + 1),\(length) +\(hunkStart + 1),\(length) @@\n"
            for line in hunkStart...hunkEnd {
                if old[line] == new[line] {
                    out += " \(old[line])\n"
                } else {
                    out += "-\(old[line])\n+\(new[line])\n"
                }
            }
            index = last + 1
        }
        return out
    }
}

extension UnifiedDiff {
    /// The diff of one proposed fix on its own (no context lines), for storing with a finding.
    public static func diff(of fix: Fix) -> String {
        let line = fix.line ?? 1
        return "--- a/\(fix.file)\n+++ b/\(fix.file)\n@@ -\(line),1 +\(line),1 @@\n-\(fix.before)\n+\(fix.after)\n"
    }
}
