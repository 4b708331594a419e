/// A parsed Dockerfile: parser directives, instructions with their physical lines, and syntax findings.
public struct Dockerfile: Sendable {
    /// The path relative to the context.
    public var path: String
    /// Parser directives (`# syntax=…`, `# escape=…`), lower-cased names.
    public var directives: [String: String]
    /// Instructions in order.
    public var instructions: [Instruction]
    /// Syntax problems (unknown instruction, unterminated heredoc, missing FROM).
    public var findings: [Finding]
    /// The physical lines (without line endings), 0-based.
    public var lines: [String]

    /// The text of physical line `number` (1-based), or "".
    public func lineText(_ number: Int) -> String {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }
}

/// One instruction: keyword, flags, arguments (continuations joined) and heredoc bodies.
public struct Instruction: Sendable {
    /// Upper-cased keyword (`RUN`).
    public var keyword: String
    /// Leading `--flag=value` words (`--from=builder`, `--platform=…`, `--mount=…`).
    public var flags: [String]
    /// The arguments after keyword and flags, continuation lines joined (escape and newline removed).
    public var arguments: String
    /// 1-based first physical line.
    public var line: Int
    /// Maps byte offsets of `arguments` to physical lines: sorted by `offset`.
    var segments: [Segment]
    /// Heredoc bodies in order of their `<<WORD` markers.
    public var heredocs: [Heredoc]

    /// A stretch of `arguments` that comes from one physical line.
    struct Segment: Sendable {
        /// Start of the stretch in `arguments` (UTF-8 bytes).
        var offset: Int
        /// 1-based physical line.
        var line: Int
        /// Column of the stretch's start in that line (UTF-8 bytes).
        var column: Int
    }

    /// The physical line and column of byte `offset` of `arguments` (binary search).
    func location(ofArgumentOffset offset: Int) -> (line: Int, column: Int) {
        guard !segments.isEmpty else { return (line, 0) }
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].offset <= offset { low = mid } else { high = mid - 1 }
        }
        let segment = segments[low]
        return (segment.line, segment.column + max(0, offset - segment.offset))
    }
}

/// A heredoc body (`<<EOF … EOF`).
public struct Heredoc: Sendable {
    /// The delimiter word.
    public var name: String
    /// Whether the delimiter was quoted (no expansion inside).
    public var quoted: Bool
    /// Body lines with their 1-based physical line numbers.
    public var lines: [(number: Int, text: String)]
}
