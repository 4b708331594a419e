/// Builds one-line fixes from where a requirement or an option is written.
enum FixBuilder {
    /// Rewrites `site`'s requirement to `name==version` (extras, local and marker kept as asked).
    static func pin(_ site: RequirementSite, to version: String, rule: String) -> Fix? {
        let requirement = site.requirement
        guard requirement.url == nil, !site.written.isEmpty, site.column >= 0 else { return nil }
        var text = requirement.name
        if !requirement.extras.isEmpty { text += "[" + requirement.extras.joined(separator: ",") + "]" }
        text += "==" + version
        if let marker = requirement.marker { text += "; " + marker }
        return replace(in: site, with: text, rule: rule, kind: .pin)
    }

    /// Replaces the requirement text as written at `site` with `text`.
    static func replace(in site: RequirementSite, with text: String, rule: String, kind: FixKind) -> Fix? {
        guard !site.written.isEmpty, site.column >= 0 else { return nil }
        let written = site.written
        let old = site.requirement.text
        guard let offset = written.utf8Offset(of: old) else { return nil }
        let newWritten = written.replacingUTF8(at: offset, length: old.utf8.count, with: text)
        return replaceWritten(
            site.lineText, column: site.column, written: written, with: newWritten, file: site.file,
            line: site.line, rule: rule, kind: kind)
    }

    /// Replaces `written` found at `column` of `lineText`.
    static func replaceWritten(
        _ lineText: String, column: Int, written: String, with replacement: String, file: String, line: Int,
        rule: String, kind: FixKind
    ) -> Fix? {
        let bytes = Array(lineText.utf8)
        let pattern = Array(written.utf8)
        guard column >= 0, column + pattern.count <= bytes.count,
            Array(bytes[column..<column + pattern.count]) == pattern
        else { return nil }
        let after = lineText.replacingUTF8(at: column, length: pattern.count, with: replacement)
        guard after != lineText else { return nil }
        return Fix(rule: rule, kind: kind, file: file, line: line, before: lineText, after: after)
    }

    /// Replaces the first `old` in line `line` of `lines` with `new`.
    static func substitute(
        _ old: String, with new: String, lines: [String]?, file: String, line: Int, rule: String, kind: FixKind
    ) -> Fix? {
        guard let lines, line >= 1, line <= lines.count else { return nil }
        let text = lines[line - 1]
        guard let offset = text.utf8Offset(of: old) else { return nil }
        let after = text.replacingUTF8(at: offset, length: old.utf8.count, with: new)
        return after == text ? nil : Fix(rule: rule, kind: kind, file: file, line: line, before: text, after: after)
    }
}
