import LedgerAnalysis
import LedgerStore

extension StoredFix {
    /// The stored form of an analyzer fix, with the unified diff of the change it makes.
    public init(_ fix: Fix, diff: String) {
        self.init(
            rule: fix.rule, kind: fix.kind.rawValue, file: fix.file, line: fix.line, before: fix.before,
            after: fix.after, diff: diff)
    }
}

extension StoredFinding {
    /// The stored form of an analyzer finding; a proposed fix carries the diff of its one line.
    public init(_ finding: Finding) {
        self.init(
            rule: finding.rule, severity: finding.severity.rawValue, message: finding.message, file: finding.file,
            line: finding.line, fix: finding.fix.map { StoredFix($0, diff: UnifiedDiff.diff(of: $0)) })
    }
}
