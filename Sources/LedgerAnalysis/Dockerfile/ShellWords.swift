import Foundation

/// A shell word after quote removal, with where it was written.
struct ShellWord: Sendable, Equatable {
    /// The word's value (quotes removed, known variables substituted).
    var text: String
    /// Byte range of the raw word in the tokenized text.
    var start: Int
    var end: Int
    /// Whether any part was quoted.
    var quoted: Bool
    /// Whether an unknown `$VAR`, `$(…)` or backquote remained in it.
    var unresolved: Bool
}

/// An unquoted `<` or `>` glued to a word (`torch>=2.0`): the shell reads it as a redirection.
struct GluedRedirection: Sendable, Equatable {
    /// The word it is glued to (index into the command's words).
    var wordIndex: Int
    /// Byte range of the whole text (`torch>=2.0`) in the tokenized text.
    var start: Int
    var end: Int
}

/// One simple command: its words and any glued redirections.
struct ShellCommand: Sendable, Equatable {
    var words: [ShellWord] = []
    var glued: [GluedRedirection] = []
    /// Targets of its redirections (`> /tmp/requirements.txt`).
    var redirects: [String] = []
}

/// A POSIX-shell tokenizer good enough to find package installs: quotes, escapes, operators,
/// redirections, comments and `$(…)`; total and linear on any input.
struct ShellTokenizer {
    let bytes: [UInt8]
    let variables: [String: String]
    var index = 0

    init(_ text: String, variables: [String: String]) {
        self.bytes = Array(text.utf8)
        self.variables = variables
    }

    /// Splits the text into simple commands.
    static func commands(in text: String, variables: [String: String]) -> [ShellCommand] {
        var tokenizer = ShellTokenizer(text, variables: variables)
        return tokenizer.run()
    }

    mutating func run() -> [ShellCommand] {
        var commands: [ShellCommand] = []
        var current = ShellCommand()
        var skipNextWord = false
        func finish() {
            if !current.words.isEmpty { commands.append(current) }
            current = ShellCommand()
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 32, 9, 13:
                index += 1
            case 10, UInt8(ascii: ";"), UInt8(ascii: "("), UInt8(ascii: ")"):
                finish()
                index += 1
            case UInt8(ascii: "&"), UInt8(ascii: "|"):
                if byte == UInt8(ascii: "&"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") {
                    index += 2
                    skipNextWord = true
                    continue
                }
                finish()
                index += 1
                if index < bytes.count, bytes[index] == byte { index += 1 }
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != 10 { index += 1 }
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                index += 1
                while index < bytes.count,
                    bytes[index] == UInt8(ascii: "<") || bytes[index] == UInt8(ascii: ">")
                        || bytes[index] == UInt8(ascii: "&") || bytes[index] == UInt8(ascii: "-")
                {
                    index += 1
                }
                skipNextWord = true
            default:
                let start = index
                var word = readWord()
                // A redirection glued to the word: `2>/dev/null` (fd) or `torch>=2.0` (a specifier).
                if index < bytes.count, bytes[index] == UInt8(ascii: "<") || bytes[index] == UInt8(ascii: ">") {
                    let isDescriptor =
                        !word.quoted && !word.text.isEmpty && word.text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
                    if isDescriptor { continue }
                    if !skipNextWord && !word.quoted {
                        // Read the operator and its target to know the whole glued text.
                        var cursor = index
                        while cursor < bytes.count,
                            bytes[cursor] == UInt8(ascii: "<") || bytes[cursor] == UInt8(ascii: ">")
                        {
                            cursor += 1
                        }
                        var end = cursor
                        while end < bytes.count, !Self.isBreak(bytes[end]) { end += 1 }
                        let target = cursor < end ? bytes[cursor] : 0
                        if target == UInt8(ascii: "=") || (target >= 48 && target <= 57) {
                            current.glued.append(
                                GluedRedirection(wordIndex: current.words.count, start: start, end: end))
                        }
                    }
                }
                if skipNextWord {
                    skipNextWord = false
                    current.redirects.append(word.text)
                    continue
                }
                word.start = start
                current.words.append(word)
            }
        }
        finish()
        return commands
    }

    static func isBreak(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
    }

    /// Reads one word starting at `index`, removing quotes and substituting known variables.
    mutating func readWord() -> ShellWord {
        var out: [UInt8] = []
        var quoted = false
        var unresolved = false
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isBreak(byte) { break }
            switch byte {
            case UInt8(ascii: "'"):
                quoted = true
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "'") {
                    out.append(bytes[index])
                    index += 1
                }
                index += 1
            case UInt8(ascii: "\""):
                quoted = true
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count,
                        [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"), UInt8(ascii: "`")].contains(
                            bytes[index + 1])
                    {
                        out.append(bytes[index + 1])
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "$") {
                        unresolved = expandVariable(into: &out) || unresolved
                    } else {
                        out.append(bytes[index])
                        index += 1
                    }
                }
                index += 1
            case UInt8(ascii: "\\"):
                if index + 1 < bytes.count {
                    if bytes[index + 1] != 10 { out.append(bytes[index + 1]) }
                    index += 2
                } else {
                    index += 1
                }
            case UInt8(ascii: "$"):
                unresolved = expandVariable(into: &out) || unresolved
            case UInt8(ascii: "`"):
                unresolved = true
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "`") { index += 1 }
                index += 1
            default:
                out.append(byte)
                index += 1
            }
        }
        return ShellWord(
            text: String(decoding: out, as: UTF8.self), start: start, end: min(index, bytes.count), quoted: quoted,
            unresolved: unresolved)
    }

    /// Expands `$NAME`, `${NAME}`, `${NAME:-default}`, `$(…)` at `index`; returns true when unresolved.
    mutating func expandVariable(into out: inout [UInt8]) -> Bool {
        index += 1
        guard index < bytes.count else {
            out.append(UInt8(ascii: "$"))
            return false
        }
        if bytes[index] == UInt8(ascii: "(") {
            var depth = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "(") { depth += 1 }
                if bytes[index] == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        break
                    }
                }
                index += 1
            }
            out += Array("$(…)".utf8)
            return true
        }
        if bytes[index] == UInt8(ascii: "{") {
            let open = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "}") { index += 1 }
            let inner = String(decoding: bytes[(open + 1)..<min(index, bytes.count)], as: UTF8.self)
            index = min(index + 1, bytes.count)
            if let value = Substitution.resolveBraced(inner, variables: variables) {
                out += Array(value.utf8)
                return false
            }
            out += Array("${\(inner)}".utf8)
            return true
        }
        let start = index
        while index < bytes.count, DockerfileParser.isWordByte(bytes[index]) { index += 1 }
        guard index > start else {
            out.append(UInt8(ascii: "$"))
            return false
        }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        if let value = variables[name] {
            out += Array(value.utf8)
            return false
        }
        out += Array("$\(name)".utf8)
        return true
    }
}

/// Dockerfile-style variable substitution (`$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}`).
enum Substitution {
    /// Substitutes known variables in `text`; unknown ones stay as written. Returns the text and whether
    /// something stayed unresolved.
    static func apply(_ text: String, variables: [String: String]) -> (String, Bool) {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return (text, false) }
        var tokenizer = ShellTokenizer(text, variables: variables)
        var out: [UInt8] = []
        var unresolved = false
        while tokenizer.index < tokenizer.bytes.count {
            let byte = tokenizer.bytes[tokenizer.index]
            if byte == UInt8(ascii: "\\"), tokenizer.index + 1 < tokenizer.bytes.count,
                tokenizer.bytes[tokenizer.index + 1] == UInt8(ascii: "$")
            {
                out.append(UInt8(ascii: "$"))
                tokenizer.index += 2
            } else if byte == UInt8(ascii: "$") {
                unresolved = tokenizer.expandVariable(into: &out) || unresolved
            } else {
                out.append(byte)
                tokenizer.index += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), unresolved)
    }

    /// `NAME`, `NAME:-word`, `NAME-word`, `NAME:+word`: the value, or nil when unknown.
    static func resolveBraced(_ inner: String, variables: [String: String]) -> String? {
        if let range = inner.range(of: ":-") ?? inner.range(of: "-") {
            let name = String(inner[inner.startIndex..<range.lowerBound])
            if let value = variables[name], !value.isEmpty { return value }
            let fallback = String(inner[range.upperBound...])
            return fallback.contains("$") ? nil : fallback
        }
        if let range = inner.range(of: ":+") {
            let name = String(inner[inner.startIndex..<range.lowerBound])
            guard let value = variables[name] else { return nil }
            return value.isEmpty ? "" : String(inner[range.upperBound...])
        }
        return variables[inner]
    }
}
