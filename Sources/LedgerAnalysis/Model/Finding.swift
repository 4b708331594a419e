/// How serious a finding is: an error fails `ledger analyze` (exit 1); warnings and notes inform.
public enum Severity: String, Codable, Sendable, CaseIterable {
    case error, warning, info
}

/// The kinds of fix the contract names (`pin|add|remove|base_image|quote|reorder`).
public enum FixKind: String, Codable, Sendable {
    case pin, add, remove, baseImage = "base_image", quote, reorder
}

/// A one-line rewrite that resolves a finding: the whole original line and its replacement.
public struct Fix: Codable, Sendable, Equatable {
    /// The rule that proposed the fix.
    public var rule: String
    /// What the fix does.
    public var kind: FixKind
    /// Path relative to the context.
    public var file: String
    /// 1-based line number of `before` in `file`.
    public var line: Int?
    /// The whole original line text (without its line ending).
    public var before: String
    /// The replacement line text.
    public var after: String

    /// Memberwise initializer.
    public init(rule: String, kind: FixKind, file: String, line: Int?, before: String, after: String) {
        self.rule = rule
        self.kind = kind
        self.file = file
        self.line = line
        self.before = before
        self.after = after
    }

    /// Encodes every field, `line` as null when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(kind, forKey: .kind)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
    }
}

/// One finding of the analyzer: which rule, how serious, the fact it rests on, where, and a fix if any.
public struct Finding: Codable, Sendable, Equatable {
    /// Stable rule id (see `docs/analyzer.md`).
    public var rule: String
    /// Error, warning or info.
    public var severity: Severity
    /// The fact the finding rests on, in one sentence.
    public var message: String
    /// Path relative to the context.
    public var file: String
    /// 1-based line, when the finding has one.
    public var line: Int?
    /// A proposed fix.
    public var fix: Fix?

    /// Memberwise initializer.
    public init(rule: String, severity: Severity, message: String, file: String, line: Int?, fix: Fix? = nil) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.file = file
        self.line = line
        self.fix = fix
    }

    /// Encodes `line` as null when absent and leaves `fix` out when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(fix, forKey: .fix)
    }
}

/// The result of analyzing one context.
public struct AnalysisReport: Sendable {
    /// Findings in file and line order.
    public var findings: [Finding]
    /// The first stage's `FROM` image, ARGs resolved.
    public var baseImage: String?
    /// Normalized requirement name -> pinned version, from requirements files and `RUN pip` lines.
    public var pins: [String: String]
    /// The requirements and constraints files read (relative to the context).
    public var requirementFiles: [String]

    /// Memberwise initializer.
    public init(findings: [Finding], baseImage: String?, pins: [String: String], requirementFiles: [String]) {
        self.findings = findings
        self.baseImage = baseImage
        self.pins = pins
        self.requirementFiles = requirementFiles
    }

    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }
}

/// Input the analyzer cannot use: a missing or unreadable file, a binary or non-UTF-8 file.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file concerned (as given).
    public var file: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error about `file`.
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    /// One line: the file and the reason.
    public var description: String { "\(file): \(reason)" }
}
