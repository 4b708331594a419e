/// Evaluates a PEP 508 environment marker for a Linux image, three-valued: true, false, or nil when it
/// depends on something the analyzer does not know (the Python version, the machine, an extra).
enum Marker {
    /// What is known about every Linux image the analyzer looks at.
    static let known: [String: String] = [
        "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
        "implementation_name": "cpython", "platform_python_implementation": "CPython",
    ]

    /// Evaluates `text`; nil when unknown or malformed.
    static func evaluate(_ text: String) -> Bool? {
        var parser = MarkerParser(tokens: tokenize(text))
        guard let value = parser.orExpression(), parser.index == parser.tokens.count else { return nil }
        return value
    }

    enum Token: Equatable {
        case word(String), string(String), op(String), open, close
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" {
                i += 1
            } else if c == "(" {
                tokens.append(.open)
                i += 1
            } else if c == ")" {
                tokens.append(.close)
                i += 1
            } else if c == "\"" || c == "'" {
                var j = i + 1
                while j < chars.count, chars[j] != c { j += 1 }
                tokens.append(.string(String(chars[(i + 1)..<min(j, chars.count)])))
                i = j + 1
            } else if "<>=!~".contains(c) {
                var j = i
                while j < chars.count, "<>=!~".contains(chars[j]) { j += 1 }
                tokens.append(.op(String(chars[i..<j])))
                i = j
            } else {
                var j = i
                while j < chars.count, !" \t()\"'<>=!~".contains(chars[j]) { j += 1 }
                tokens.append(.word(String(chars[i..<j])))
                i = max(j, i + 1)
            }
        }
        return tokens
    }
}

/// Recursive descent over marker tokens (depth bounded by the token count).
struct MarkerParser {
    let tokens: [Marker.Token]
    var index = 0
    var depth = 0

    mutating func orExpression() -> Bool?? {
        guard var value = andExpression() else { return nil }
        while index < tokens.count, tokens[index] == .word("or") {
            index += 1
            guard let right = andExpression() else { return nil }
            value = Self.or(value, right)
        }
        return .some(value)
    }

    mutating func andExpression() -> Bool?? {
        guard var value = atom() else { return nil }
        while index < tokens.count, tokens[index] == .word("and") {
            index += 1
            guard let right = atom() else { return nil }
            value = Self.and(value, right)
        }
        return .some(value)
    }

    mutating func atom() -> Bool?? {
        guard index < tokens.count, depth < 64 else { return nil }
        if tokens[index] == .open {
            index += 1
            depth += 1
            defer { depth -= 1 }
            guard let inner = orExpression(), index < tokens.count, tokens[index] == .close else { return nil }
            index += 1
            return inner
        }
        guard let left = value() else { return nil }
        guard index < tokens.count else { return nil }
        var op: String
        switch tokens[index] {
        case .op(let text): op = text
        case .word("in"): op = "in"
        case .word("not"):
            guard index + 1 < tokens.count, tokens[index + 1] == .word("in") else { return nil }
            index += 1
            op = "not in"
        default: return nil
        }
        index += 1
        guard let right = value() else { return nil }
        guard let l = left, let r = right else { return .some(nil) }
        switch op {
        case "==", "===": return .some(l == r)
        case "!=": return .some(l != r)
        case "in": return .some(r.contains(l))
        case "not in": return .some(!r.contains(l))
        default: return .some(nil)
        }
    }

    /// A literal's text, or a variable's known value (nil inside when unknown).
    mutating func value() -> String?? {
        guard index < tokens.count else { return nil }
        defer { index += 1 }
        switch tokens[index] {
        case .string(let text): return .some(text)
        case .word(let name): return .some(Marker.known[name])
        default: return nil
        }
    }

    static func and(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == true && b == true { return true }
        return nil
    }

    static func or(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == true || b == true { return true }
        if a == false && b == false { return false }
        return nil
    }
}
