/// A strict, linear-time JSON validator that also returns an object's top-level fields with their raw text.
///
/// Import validates every line before writing anything, so this runs twice per imported event; keeping a
/// field's raw text also means `data` is stored exactly as the source wrote it.
enum JSONScanner {
    /// The kind of a JSON value.
    enum Kind: Equatable {
        case object, array, string, number, bool, null
    }

    /// One top-level field.
    struct Field {
        var kind: Kind
        /// The value's text, exactly as written.
        var raw: ArraySlice<UInt8>
        /// The decoded value of a string.
        var string: String?
    }

    /// An object's top-level fields in order; a few keys, so a linear search beats hashing each key.
    struct Fields {
        var entries: [(key: String, field: Field)] = []

        /// The field named `key` (the last one, as JSON parsers do with duplicate keys).
        subscript(key: String) -> Field? {
            entries.last { $0.key == key }?.field
        }
    }

    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    static let maximumDepth = 256

    /// Validates `bytes` as one JSON object (surrounding white space allowed) and returns its fields.
    static func object(_ bytes: [UInt8]) throws -> Fields {
        // > JSON text exchanged between systems that are not part of a closed ecosystem MUST be encoded
        // > using UTF-8 (RFC 8259, 8.1)
        guard bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil else {
            throw Failure(offset: 0, reason: "not UTF-8 text")
        }
        var scanner = Cursor(bytes: bytes)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{") else {
            throw Failure(offset: scanner.index, reason: "not a JSON object")
        }
        var fields = Fields()
        try scanner.members(depth: 0, decodeKeys: true) { key, start, kind, decoded, end in
            fields.entries.append((key, Field(kind: kind, raw: bytes[start..<end], string: decoded)))
        }
        scanner.skipSpace()
        guard scanner.index == bytes.count else { throw scanner.failure("text after the object") }
        return fields
    }

    struct Cursor {
        let bytes: [UInt8]
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

        mutating func skipSpace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D
                    || bytes[index] == 0x09
            {
                index += 1
            }
        }

        /// Reads a value; a string's decoded text is returned only when `decode` is set (top-level fields).
        mutating func value(depth: Int, decode: Bool = false) throws -> (Kind, String?) {
            guard depth <= JSONScanner.maximumDepth else { throw failure("nested too deeply") }
            guard let c = peek else { throw failure("unexpected end") }
            switch c {
            case UInt8(ascii: "{"):
                try members(depth: depth, decodeKeys: false) { _, _, _, _, _ in }
                return (.object, nil)
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if peek == UInt8(ascii: "]") {
                    index += 1
                    return (.array, nil)
                }
                while true {
                    skipSpace()
                    _ = try value(depth: depth + 1)
                    skipSpace()
                    if peek == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard peek == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
                    index += 1
                    return (.array, nil)
                }
            case UInt8(ascii: "\""):
                let text = try string(decode: decode)
                return (.string, decode ? text : nil)
            case UInt8(ascii: "t"):
                try literal("true")
                return (.bool, nil)
            case UInt8(ascii: "f"):
                try literal("false")
                return (.bool, nil)
            case UInt8(ascii: "n"):
                try literal("null")
                return (.null, nil)
            default:
                try number()
                return (.number, nil)
            }
        }

        /// Reads an object at the cursor (`{` … `}`), calling `each` with every member's key, the start of
        /// its value, the value's kind and decoded string, and the end of the value.
        mutating func members(
            depth: Int, decodeKeys: Bool, _ each: (String, Int, Kind, String?, Int) throws -> Void
        ) throws {
            index += 1
            skipSpace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw failure("expected a key") }
                let key = try string(decode: decodeKeys)
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                skipSpace()
                let start = index
                let (kind, decoded) = try value(depth: depth + 1, decode: decodeKeys)
                try each(key, start, kind, decoded, index)
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
                index += 1
                return
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, bytes[index..<(index + expected.count)].elementsEqual(expected)
            else { throw failure("bad literal") }
            index += expected.count
        }

        mutating func number() throws {
            let start = index
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, first >= 48, first <= 57 else { throw failure("bad number") }
            if first == 48 {
                index += 1
            } else {
                while let d = peek, d >= 48, d <= 57 { index += 1 }
            }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard let d = peek, d >= 48, d <= 57 else { throw failure("bad number") }
                while let d = peek, d >= 48, d <= 57 { index += 1 }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard let d = peek, d >= 48, d <= 57 else { throw failure("bad number") }
                while let d = peek, d >= 48, d <= 57 { index += 1 }
            }
            if index == start { throw failure("bad value") }
        }

        /// Reads a string at the cursor; returns its decoded value when `decode` is set.
        mutating func string(decode: Bool = true) throws -> String {
            index += 1  // opening quote
            let start = index
            var escaped = false
            while true {
                guard let c = peek else { throw failure("unterminated string") }
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw failure("control character in a string") }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                    guard let e = peek else { throw failure("unterminated string") }
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        guard index + 4 < bytes.count,
                            bytes[(index + 1)...(index + 4)].allSatisfy({ Hex.value(of: $0) != nil })
                        else { throw failure("bad \\u escape") }
                        index += 5
                    default:
                        throw failure("bad escape")
                    }
                    continue
                }
                index += 1
            }
            let end = index
            index += 1  // closing quote
            guard decode else { return "" }
            let slice = bytes[start..<end]
            guard escaped else {
                guard let text = String(validating: slice, as: UTF8.self) else { throw failure("not UTF-8") }
                return text
            }
            return try Self.unescape(slice, at: start)
        }

        static func unescape(_ slice: ArraySlice<UInt8>, at offset: Int) throws -> String {
            var out: [UInt8] = []
            var units: [UInt16] = []
            var i = slice.startIndex
            func flushUnits() {
                guard !units.isEmpty else { return }
                out.append(contentsOf: Array(String(decoding: units, as: UTF16.self).utf8))
                units.removeAll()
            }
            while i < slice.endIndex {
                let c = slice[i]
                if c != UInt8(ascii: "\\") {
                    flushUnits()
                    out.append(c)
                    i += 1
                    continue
                }
                let e = slice[i + 1]
                if e == UInt8(ascii: "u") {
                    var value: UInt32 = 0
                    for k in 2...5 { value = value * 16 + (Hex.value(of: slice[i + k]) ?? 0) }
                    units.append(UInt16(value))
                    i += 6
                    continue
                }
                flushUnits()
                switch e {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(e)
                }
                i += 2
            }
            flushUnits()
            guard let text = String(validating: out, as: UTF8.self) else {
                throw Failure(offset: offset, reason: "not UTF-8")
            }
            return text
        }
    }
}
