/// A requirement and where it is written: the file, the physical line and the column of its text.
public struct RequirementSite: Sendable, Equatable {
    /// The requirement.
    public var requirement: Requirement
    /// The file (relative to the context) that holds it.
    public var file: String
    /// 1-based physical line.
    public var line: Int
    /// The whole physical line.
    public var lineText: String
    /// The text to replace in `lineText` when the requirement is rewritten (the requirement as written there).
    public var written: String
    /// Where `written` starts in `lineText`, in UTF-8 bytes.
    public var column: Int
    /// Whether it comes from a constraints file (`-c`), which limits but installs nothing.
    public var isConstraint: Bool
    /// The marker's value on Linux: nil when it depends on something unknown.
    public var applies: Bool?
}

/// An index URL option and where it is written.
struct IndexOption: Sendable, Equatable {
    var url: String
    var file: String
    var line: Int
}

/// One parsed requirements or constraints file (pip's format).
struct RequirementsDocument: Sendable {
    var path: String
    var sites: [RequirementSite] = []
    /// `-r`/`-c` references with their line: the path as written.
    var includes: [(path: String, isConstraint: Bool, line: Int)] = []
    var indexURL: IndexOption?
    var extraIndexURLs: [IndexOption] = []
    var findLinks: [String] = []
    var noIndex = false
    var findings: [Finding] = []
}

/// pip's requirements file format: `\` continuations, `#` comments, option lines, one requirement a line.
///
/// > "Each line of the requirements file indicates something to be installed … Lines that end with a
/// > backslash are joined with the next … A line that begins with # is treated as a comment … Whitespace
/// > followed by a # causes the # and the remainder of the line to be treated as a comment."
/// > (pip documentation, "Requirements File Format")
enum RequirementsParser {
    /// Options that take a value, as pip accepts them in a requirements file.
    static let valued: Set<String> = [
        "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
        "--find-links", "--trusted-host", "-e", "--editable", "--no-binary", "--only-binary", "--use-feature",
        "--hash", "--global-option", "--config-settings", "-C",
    ]

    /// Parses `lines` (physical lines with their numbers) of `path`.
    static func parse(lines: [(number: Int, text: Substring)], path: String, isConstraint: Bool) -> RequirementsDocument
    {
        var document = RequirementsDocument(path: path)
        var index = 0
        while index < lines.count {
            let (number, firstText) = lines[index]
            if MergeMarkers.isMarker(firstText) {
                document.findings.append(
                    Finding(
                        rule: RuleID.mergeConflict, severity: .error,
                        message: "leftover merge-conflict marker `\(firstText.prefix(7))`: pip cannot read this file",
                        file: path, line: number))
                index += 1
                continue
            }
            // Join continuation lines (a trailing backslash).
            var logical = String(firstText)
            var physicalCount = 1
            while logical.hasSuffix("\\"), index + physicalCount < lines.count {
                logical.removeLast()
                logical += lines[index + physicalCount].text
                physicalCount += 1
            }
            index += physicalCount
            let content = stripComment(logical).trimmingSpaces
            guard !content.isEmpty else { continue }
            if content.hasPrefix("-") {
                parseOption(content, number: number, into: &document)
                continue
            }
            // Per-requirement options (`--hash=…`) follow the requirement after whitespace.
            var requirementText = content
            if let range = content.range(of: " --") ?? content.range(of: "\t--") {
                requirementText = content[content.startIndex..<range.lowerBound].trimmingSpaces
            }
            guard let requirement = Requirement.parse(requirementText) else {
                document.findings.append(
                    Finding(
                        rule: RuleID.requirementSyntax, severity: .error,
                        message: "`\(requirementText.prefix(80))` is not a valid requirement (PEP 508); pip stops here",
                        file: path, line: number))
                continue
            }
            let lineText = String(firstText)
            let column = physicalCount == 1 ? lineText.utf8Offset(of: requirementText) : nil
            document.sites.append(
                RequirementSite(
                    requirement: requirement, file: path, line: number, lineText: lineText,
                    written: column == nil ? "" : requirementText, column: column ?? -1,
                    isConstraint: isConstraint, applies: requirement.marker.map(Marker.evaluate) ?? true))
        }
        // Garbage must not flood the output: keep the first findings and say how many more there were.
        if document.findings.count > findingLimit {
            let more = document.findings.count - findingLimit
            document.findings = Array(document.findings.prefix(findingLimit))
            document.findings.append(
                Finding(
                    rule: RuleID.requirementSyntax, severity: .error,
                    message: "\(more) more unreadable lines; is this a requirements file?", file: path,
                    line: document.findings.last?.line))
        }
        return document
    }

    /// Most syntax findings reported per file.
    static let findingLimit = 100

    static func parseOption(_ content: String, number: Int, into document: inout RequirementsDocument) {
        var name = content
        var value = ""
        if let space = content.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "=" }) {
            name = String(content[content.startIndex..<space])
            value = content[content.index(after: space)...].trimmingSpaces
        } else if content.hasPrefix("-") && !content.hasPrefix("--") && content.count > 2 {
            name = String(content.prefix(2))
            value = String(content.dropFirst(2))
        }
        switch name {
        case "-r", "--requirement": document.includes.append((value, false, number))
        case "-c", "--constraint": document.includes.append((value, true, number))
        case "-i", "--index-url": document.indexURL = IndexOption(url: value, file: document.path, line: number)
        case "--extra-index-url":
            document.extraIndexURLs.append(IndexOption(url: value, file: document.path, line: number))
        case "-f", "--find-links": document.findLinks.append(value)
        case "--no-index": document.noIndex = true
        default: break
        }
    }

    /// Removes a `#` comment at the start or after whitespace.
    static func stripComment(_ line: String) -> String {
        if line.first == "#" { return "" }
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "#" && (previous == " " || previous == "\t") {
                return String(line[line.startIndex..<index])
            }
            previous = character
            index = line.index(after: index)
        }
        return line
    }
}

/// Leftover merge-conflict markers (`<<<<<<< `, `=======`, `>>>>>>> `, `||||||| `).
enum MergeMarkers {
    static func isMarker(_ line: Substring) -> Bool {
        let utf8 = line.utf8
        guard utf8.count >= 7, let first = utf8.first else { return false }
        guard
            first == UInt8(ascii: "<") || first == UInt8(ascii: ">") || first == UInt8(ascii: "=")
                || first == UInt8(ascii: "|")
        else { return false }
        var count = 0
        var iterator = utf8.makeIterator()
        while let byte = iterator.next(), byte == first { count += 1 }
        guard count == 7 else { return false }
        if first == UInt8(ascii: "=") { return line.trimmingSpaces.count == 7 }
        let rest = line.dropFirst(7)
        return rest.isEmpty || rest.first == " " || rest.first == "\t"
    }
}

extension String {
    /// The UTF-8 offset of the first occurrence of `needle`, or nil.
    func utf8Offset(of needle: String, from start: Int = 0) -> Int? {
        let hay = Array(utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= hay.count, start >= 0 else { return nil }
        var index = start
        while index + pattern.count <= hay.count {
            if hay[index] == pattern[0], Array(hay[index..<index + pattern.count]) == pattern { return index }
            index += 1
        }
        return nil
    }

    /// Replaces `length` UTF-8 bytes at `offset` with `replacement`.
    func replacingUTF8(at offset: Int, length: Int, with replacement: String) -> String {
        let bytes = Array(utf8)
        guard offset >= 0, offset + length <= bytes.count else { return self }
        return String(decoding: bytes[0..<offset], as: UTF8.self) + replacement
            + String(decoding: bytes[(offset + length)...], as: UTF8.self)
    }
}
