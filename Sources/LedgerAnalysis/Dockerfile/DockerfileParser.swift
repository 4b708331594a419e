/// Parses Dockerfile text in one linear pass: directives, comments, continuations, heredocs.
///
/// > "Docker treats lines that begin with # as a comment, unless the line is a valid parser directive."
/// > "The escape directive sets the character used to escape characters in a Dockerfile. If not specified,
/// > the default escape character is \." (Dockerfile reference, "Parser directives", "Format")
public enum DockerfileParser {
    /// Instructions the Dockerfile reference defines.
    static let keywords: Set<String> = [
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
        "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    ]
    /// Most syntax findings reported per file (garbage input must not flood the output).
    static let findingLimit = 50

    /// Parses `text` (already checked to be UTF-8) found at `path`.
    public static func parse(_ text: String, path: String) -> Dockerfile {
        let lines = splitLines(text)
        var directives: [String: String] = [:]
        var instructions: [Instruction] = []
        var findings: [Finding] = []
        var escape: UInt8 = UInt8(ascii: "\\")
        var index = 0
        // Parser directives: only at the very top, before any comment, blank line or instruction.
        while index < lines.count, let (name, value) = directive(lines[index]) {
            guard directives[name] == nil else { break }
            directives[name] = value
            if name == "escape", value == "`" { escape = UInt8(ascii: "`") }
            index += 1
        }
        func report(_ message: String, line: Int, rule: String = RuleID.dockerfileSyntax) {
            guard findings.count < findingLimit else { return }
            findings.append(Finding(rule: rule, severity: .error, message: message, file: path, line: line))
        }
        while index < lines.count {
            let first = lines[index]
            let trimmed = first.trimmingLeadingSpaces
            if trimmed.isEmpty || trimmed.utf8.first == UInt8(ascii: "#") {
                index += 1
                continue
            }
            let startLine = index + 1
            var arguments = ""
            var segments: [Instruction.Segment] = []
            // The keyword is the first word of the first line.
            let keywordEnd = trimmed.utf8.firstIndex { $0 == 32 || $0 == 9 } ?? trimmed.utf8.endIndex
            let keyword = String(trimmed[trimmed.startIndex..<keywordEnd]).uppercased()
            let leading = first.utf8.count - trimmed.utf8.count
            var column = leading + trimmed.utf8.distance(from: trimmed.startIndex, to: keywordEnd)
            var current = String(decoding: first.utf8.dropFirst(column), as: UTF8.self)
            var lineNumber = startLine
            while true {
                let (body, continues) = stripContinuation(current, escape: escape)
                // Leading spaces of the arguments are not part of them.
                var bodyText = Substring(body)
                let before = bodyText.utf8.count
                bodyText = Substring(bodyText.trimmingLeadingSpaces)
                column += before - bodyText.utf8.count
                if !bodyText.isEmpty {
                    segments.append(Instruction.Segment(offset: arguments.utf8.count, line: lineNumber, column: column))
                    arguments += bodyText
                }
                index += 1
                guard continues else { break }
                // Skip comment lines and empty lines inside a continuation.
                while index < lines.count {
                    let next = lines[index].trimmingLeadingSpaces
                    if next.isEmpty || next.utf8.first == UInt8(ascii: "#") { index += 1 } else { break }
                }
                guard index < lines.count else { break }
                if !arguments.isEmpty, arguments.utf8.last != 32 { arguments += " " }
                current = lines[index]
                lineNumber = index + 1
                column = 0
            }
            guard keywords.contains(keyword) else {
                if MergeMarkers.isMarker(Substring(first)) {
                    report(
                        "leftover merge-conflict marker `\(first.prefix(7))`: Docker refuses this file",
                        line: startLine, rule: RuleID.mergeConflict)
                    continue
                }
                report("unknown instruction `\(keyword.prefix(40))`: Docker refuses this file", line: startLine)
                continue
            }
            var instruction = Instruction(
                keyword: keyword, flags: [], arguments: arguments, line: startLine, segments: segments, heredocs: [])
            splitFlags(&instruction)
            if keyword == "RUN" || keyword == "COPY" || keyword == "ADD" {
                for (name, quoted, strip) in heredocMarkers(in: instruction.arguments) {
                    var body: [(number: Int, text: String)] = []
                    var closed = false
                    while index < lines.count {
                        let line = lines[index]
                        index += 1
                        let candidate = strip ? String(line.drop { $0 == "\t" }) : line
                        if candidate == name {
                            closed = true
                            break
                        }
                        body.append((index, candidate))
                    }
                    if !closed { report("heredoc `\(name)` is never closed", line: startLine) }
                    instruction.heredocs.append(Heredoc(name: name, quoted: quoted, lines: body))
                }
            }
            instructions.append(instruction)
        }
        if !instructions.contains(where: { $0.keyword == "FROM" }) && !lines.isEmpty {
            report("no FROM instruction: Docker needs a base image", line: instructions.first?.line ?? 1)
        }
        return Dockerfile(
            path: path, directives: directives, instructions: instructions, findings: findings, lines: lines)
    }

    /// Splits on `\n`, dropping a `\r` before it.
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var slice = line
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            lines.append(String(decoding: slice, as: UTF8.self))
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `# name=value` at the top of the file.
    static func directive(_ line: String) -> (String, String)? {
        let trimmed = line.trimmingLeadingSpaces
        guard trimmed.hasPrefix("#") else { return nil }
        let body = trimmed.dropFirst()
        guard let equals = body.firstIndex(of: "=") else { return nil }
        let name = body[body.startIndex..<equals].trimmingSpaces.lowercased()
        guard ["syntax", "escape", "check"].contains(name) else { return nil }
        return (name, body[body.index(after: equals)...].trimmingSpaces)
    }

    /// Removes a trailing escape character (and the whitespace after it); says whether it was there.
    static func stripContinuation(_ line: String, escape: UInt8) -> (String, Bool) {
        var bytes = Array(line.utf8)
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        guard bytes.last == escape else { return (line, false) }
        bytes.removeLast()
        return (String(decoding: bytes, as: UTF8.self), true)
    }

    /// Moves leading `--name=value` words into `flags`.
    static func splitFlags(_ instruction: inout Instruction) {
        guard ["FROM", "RUN", "COPY", "ADD"].contains(instruction.keyword) else { return }
        let bytes = Array(instruction.arguments.utf8)
        var offset = 0
        var flags: [String] = []
        while offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "-"), bytes[offset + 1] == UInt8(ascii: "-") {
            var end = offset
            while end < bytes.count, bytes[end] != 32, bytes[end] != 9 { end += 1 }
            flags.append(String(decoding: bytes[offset..<end], as: UTF8.self))
            offset = end
            while offset < bytes.count, bytes[offset] == 32 || bytes[offset] == 9 { offset += 1 }
        }
        guard offset > 0 else { return }
        instruction.flags = flags
        instruction.arguments = String(decoding: bytes[offset...], as: UTF8.self)
        // Shift the segment map so offsets stay relative to `arguments`.
        var shifted: [Instruction.Segment] = []
        for segment in instruction.segments {
            let end = segment.offset
            if end >= offset {
                shifted.append(Instruction.Segment(offset: end - offset, line: segment.line, column: segment.column))
            } else {
                let skip = offset - end
                shifted.append(Instruction.Segment(offset: 0, line: segment.line, column: segment.column + skip))
            }
        }
        // Keep only the last segment that starts at or before 0, and those after.
        if let lastAtZero = shifted.lastIndex(where: { $0.offset == 0 }) { shifted.removeFirst(lastAtZero) }
        instruction.segments = shifted
    }

    /// `<<WORD`, `<<-WORD`, `<<"WORD"`, `<<'WORD'` markers outside quotes, in order.
    static func heredocMarkers(in text: String) -> [(String, Bool, Bool)] {
        let bytes = Array(text.utf8)
        var markers: [(String, Bool, Bool)] = []
        var index = 0
        var quote: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "<"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "<"),
                index + 2 < bytes.count, bytes[index + 2] != UInt8(ascii: "<")
            else {
                index += 1
                continue
            }
            var cursor = index + 2
            var strip = false
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") {
                strip = true
                cursor += 1
            }
            var quoted = false
            var closing: UInt8 = 0
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
                closing = bytes[cursor]
                quoted = true
                cursor += 1
            }
            let start = cursor
            while cursor < bytes.count, isWordByte(bytes[cursor]) { cursor += 1 }
            if cursor > start, !(bytes[start] >= 48 && bytes[start] <= 57) {
                let name = String(decoding: bytes[start..<cursor], as: UTF8.self)
                if closing != 0 {
                    if cursor < bytes.count, bytes[cursor] == closing { cursor += 1 } else { index += 2; continue }
                }
                markers.append((name, quoted, strip))
            }
            index = max(cursor, index + 2)
        }
        return markers
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
    }
}

extension StringProtocol {
    /// The text without leading spaces and tabs.
    var trimmingLeadingSpaces: Substring {
        let sub = Substring(self)
        return sub.drop { $0 == " " || $0 == "\t" }
    }
}
