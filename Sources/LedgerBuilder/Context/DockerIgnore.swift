import Foundation

/// `.dockerignore` rules: Go `filepath.Match` patterns plus `**`, `!` exceptions, the last match wins, and a
/// pattern that matches a folder excludes everything below it.
///
/// > Docker: "The CLI interprets the .dockerignore file as a newline-separated list of patterns similar to
/// > the file globs of Unix shells ... Lines starting with ! (exclamation mark) can be used to make
/// > exceptions to exclusions ... The last line of the .dockerignore that matches a particular file
/// > determines whether it's included or excluded."
public struct DockerIgnore: Sendable {
    private struct Rule: Sendable {
        var regex: NSRegularExpression
        var exception: Bool
    }
    private let rules: [Rule]

    /// True when some rule re-includes files (then excluded folders must still be walked).
    public var hasExceptions: Bool { rules.contains { $0.exception } }

    /// Parses `.dockerignore` text.
    public init(_ text: String) {
        var rules: [Rule] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let exception = line.hasPrefix("!")
            if exception { line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
            line = Self.clean(line)
            if line.isEmpty { continue }
            guard let regex = try? NSRegularExpression(pattern: Self.regex(line)) else { continue }
            rules.append(Rule(regex: regex, exception: exception))
        }
        self.rules = rules
    }

    /// Reads `<context>/.dockerignore` (no file: nothing is ignored).
    public init(context: String) {
        self.init((try? String(contentsOfFile: "\(context)/.dockerignore", encoding: .utf8)) ?? "")
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out of the build context.
    public func excludes(_ path: String) -> Bool {
        var excluded = false
        let candidates = Self.selfAndParents(path)
        for rule in rules where candidates.contains(where: { Self.matches(rule.regex, $0) }) {
            excluded = !rule.exception
        }
        return excluded
    }

    private static func matches(_ regex: NSRegularExpression, _ path: String) -> Bool {
        regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    private static func selfAndParents(_ path: String) -> [String] {
        var out = [path]
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            out.append(String(current))
        }
        return out
    }

    private static func clean(_ pattern: String) -> String {
        var parts: [Substring] = []
        for part in pattern.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", !parts.isEmpty { parts.removeLast() } else if part != ".." { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    private static func regex(_ pattern: String) -> String {
        var out = "^"
        let chars = Array(pattern)
        var index = 0
        while index < chars.count {
            let char = chars[index]
            switch char {
            case "*":
                if index + 1 < chars.count, chars[index + 1] == "*" {
                    index += 1
                    if index + 1 < chars.count, chars[index + 1] == "/" {
                        index += 1
                        out += "(.*/)?"
                    } else {
                        out += ".*"
                    }
                } else {
                    out += "[^/]*"
                }
            case "?":
                out += "[^/]"
            case "[":
                var end = index + 1
                while end < chars.count, chars[end] != "]" { end += 1 }
                if end < chars.count {
                    var set = String(chars[(index + 1)..<end])
                    if set.hasPrefix("^") {
                        set = "^" + set.dropFirst()
                    } else if set.hasPrefix("!") {
                        set = "^" + set.dropFirst()
                    }
                    out += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    index = end
                } else {
                    out += "\\["
                }
            case "\\":
                if index + 1 < chars.count {
                    index += 1
                    out += NSRegularExpression.escapedPattern(for: String(chars[index]))
                }
            default:
                out += NSRegularExpression.escapedPattern(for: String(char))
            }
            index += 1
        }
        return out + "$"
    }
}
