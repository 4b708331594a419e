import LedgerStore

/// The fields a projection needs from one event payload, read in one pass over the bytes SQLite hands out.
///
/// It accepts only what SQLite 3.40's `json_valid` accepts (RFC 8259 numbers, strings without control characters,
/// the four white-space characters) and refuses, by throwing ``ReplayFallback``, whatever it could read
/// differently from SQLite's `->>` (a wanted key written twice or with escapes, a string that does not decode to
/// UTF-8, `\u0000`, a lone surrogate, nesting deeper than 64). Invalid JSON also throws: the SQL path skips such
/// events, and the fallback keeps that decision with SQLite.
struct Payload {
    enum Kind: UInt8 {
        case missing, object, array, string, number, bool, null
    }

    /// A JSON number as SQLite's `->>` gives it.
    enum JSONNumber: Equatable {
        case integer(Int64)
        case real(Double)
    }

    /// Where a value sits in the payload (a string's span excludes its quotes).
    struct Span {
        var kind: Kind
        var start: Int
        var end: Int
        var escaped = false
        var isTrue = false
    }

    /// The keys to look for, as bytes, bucketed by length.
    struct Keys: Sendable {
        let names: [[UInt8]]
        let byLength: [[(slot: Int, name: [UInt8])]]

        init(_ names: [String]) {
            self.names = names.map { Array($0.utf8) }
            var byLength = [[(slot: Int, name: [UInt8])]](repeating: [], count: 33)
            for (slot, name) in self.names.enumerated() where name.count < 33 {
                byLength[name.count].append((slot, name))
            }
            self.byLength = byLength
        }

        /// The index of the key spelled `name`.
        func slot(of name: UnsafeBufferPointer<UInt8>) -> Int? {
            guard name.count < byLength.count else { return nil }
            return byLength[name.count].first { StoredEventBytes.equal(name, $0.name) }?.slot
        }

        static let none = Keys([])
    }

    let keys: Keys
    private(set) var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    private(set) var spans: [Span]

    static let maximumDepth = 64

    /// A reader for `keys`, to be filled by ``read(_:)``.
    init(keys: Keys) {
        self.keys = keys
        spans = Array(repeating: Span(kind: .missing, start: 0, end: 0), count: keys.names.count)
    }

    /// Reads `bytes` (a whole JSON document); `keys` are looked up among the members of the top-level value when
    /// it is an object. The spans point into `bytes`, which must outlive their use.
    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        self.bytes = bytes
        for i in spans.indices { spans[i].kind = .missing }
        var cursor = Cursor(bytes: bytes)
        cursor.skipSpace()
        let top = try cursor.value(depth: 0, keys: keys, spans: &spans)
        cursor.skipSpace()
        guard cursor.index == bytes.count else { throw ReplayFallback(reason: "text after the JSON value") }
        if top.kind != .object { for i in spans.indices { spans[i].kind = .missing } }
    }

    /// The members `keys` of the object at `index` (nil when it is not an object).
    func nested(_ index: Int, keys: Keys) throws -> Payload? {
        let span = spans[index]
        guard span.kind == .object else { return nil }
        var inner = Payload(keys: keys)
        inner.bytes = bytes
        var cursor = Cursor(bytes: bytes, index: span.start)
        _ = try cursor.value(depth: 0, keys: keys, spans: &inner.spans)
        return inner
    }

    /// The span at `index` unless absent or JSON `null` (`->>` gives SQL NULL for both).
    func present(_ index: Int) -> Span? {
        let span = spans[index]
        return span.kind == .missing || span.kind == .null ? nil : span
    }

    /// A string field's bytes as written, and whether they hold escapes (nil when absent or null); any other
    /// JSON type falls back.
    func stringSlice(_ index: Int) throws -> (bytes: UnsafeBufferPointer<UInt8>, escaped: Bool)? {
        guard let span = present(index) else { return nil }
        guard span.kind == .string else { throw ReplayFallback(reason: "a string field holds another type") }
        return (UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), span.escaped)
    }

    /// The interned number of a string field (nil when absent or null).
    func id(_ index: Int, in interner: inout Interner) throws -> Int32? {
        guard let (slice, escaped) = try stringSlice(index) else { return nil }
        return escaped ? interner.id(try Self.unescape(slice)) : try interner.id(slice)
    }

    /// True when a string field is exactly `literal` (written without escapes).
    func equals(_ index: Int, _ literal: [UInt8]) -> Bool {
        guard let span = present(index), span.kind == .string, !span.escaped else { return false }
        return StoredEventBytes.equal(UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]), literal)
    }

    /// A string field as `->>` reads it (nil when absent or null); any other JSON type falls back.
    func string(_ index: Int) throws -> String? {
        guard let (slice, escaped) = try stringSlice(index) else { return nil }
        return escaped ? try Self.unescape(slice) : try Self.utf8(slice)
    }

    /// The bytes as a string; bytes that are not UTF-8 fall back.
    static func utf8(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReplayFallback(reason: "a string is not UTF-8")
        }
        return text
    }

    /// True when every byte is below 0x80 (eight at a time).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// An integer field (nil when absent or null); a fraction, an exponent or another type falls back.
    func integer(_ index: Int) throws -> Int64? {
        guard let span = present(index) else { return nil }
        guard span.kind == .number, span.end - span.start <= 18 else {
            throw ReplayFallback(reason: "an integer field holds another value")
        }
        var value: Int64 = 0
        var negative = false
        for i in span.start..<span.end {
            let c = bytes[i]
            if c == UInt8(ascii: "-") {
                negative = true
            } else if c >= 48, c <= 57 {
                value = value * 10 + Int64(c - 48)
            } else {
                throw ReplayFallback(reason: "an integer field holds a fraction")
            }
        }
        return negative ? -value : value
    }

    /// A number field as `->>` returns it (nil when absent or null): an integer literal of up to 18 characters as
    /// an integer, anything else as the correctly rounded double (SQLite's JSON reader uses `strtod`, not the
    /// text-to-number conversion of column affinity, which may differ in the last bit).
    func number(_ index: Int) throws -> JSONNumber? {
        guard let span = present(index) else { return nil }
        guard span.kind == .number else { throw ReplayFallback(reason: "a number field holds another type") }
        let slice = UnsafeBufferPointer(rebasing: bytes[span.start..<span.end])
        if !slice.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            if let value = try? integer(index) { return .integer(value) }
            throw ReplayFallback(reason: "an integer SQLite may read as a real")
        }
        guard let value = Double(String(decoding: slice, as: UTF8.self)) else {
            throw ReplayFallback(reason: "a number Swift cannot read")
        }
        return .real(value)
    }

    /// A boolean field (nil when absent or null); another type falls back.
    func bool(_ index: Int) throws -> Bool? {
        guard let span = present(index) else { return nil }
        guard span.kind == .bool else { throw ReplayFallback(reason: "a boolean field holds another type") }
        return span.isTrue
    }

    /// A field as `->` returns it: the value's JSON text without white space outside strings (nil when absent).
    func json(_ index: Int) throws -> String? {
        let span = spans[index]
        guard span.kind != .missing else { return nil }
        var start = span.start
        var end = span.end
        if span.kind == .string {
            start -= 1
            end += 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var inString = false
        var i = start
        while i < end {
            let c = bytes[i]
            if inString {
                out.append(c)
                if c == UInt8(ascii: "\\") {
                    out.append(bytes[i + 1])
                    i += 1
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if c == UInt8(ascii: "\"") {
                inString = true
                out.append(c)
            } else if !Cursor.isSpace(c) {
                out.append(c)
            }
            i += 1
        }
        return try out.withUnsafeBufferPointer { try Self.utf8($0) }
    }

    /// Decodes an escaped string as SQLite does; `\u0000` (SQLite stops there) and lone surrogates (SQLite writes
    /// them as invalid UTF-8) fall back.
    static func unescape(_ slice: UnsafeBufferPointer<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        func code(at k: Int) -> UInt32 {
            var value: UInt32 = 0
            for j in k..<(k + 4) { value = value * 16 + (Hex.value(of: slice[j]) ?? 0) }
            return value
        }
        while i < slice.count {
            let c = slice[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            let e = slice[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = code(at: i)
                i += 4
                if scalar == 0 { throw ReplayFallback(reason: "\\u0000 in a string") }
                if scalar & 0xFC00 == 0xD800 {
                    guard i + 6 <= slice.count, slice[i] == UInt8(ascii: "\\"), slice[i + 1] == UInt8(ascii: "u"),
                        code(at: i + 2) & 0xFC00 == 0xDC00
                    else { throw ReplayFallback(reason: "a lone surrogate in a string") }
                    scalar = 0x10000 + ((scalar & 0x3FF) << 10) + (code(at: i + 2) & 0x3FF)
                    i += 6
                } else if scalar & 0xFC00 == 0xDC00 {
                    throw ReplayFallback(reason: "a lone surrogate in a string")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw ReplayFallback(reason: "bad \\u escape") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default: out.append(e)
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw ReplayFallback(reason: "a string is not UTF-8")
        }
        return text
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, index: Int = 0) {
            self.bytes = bytes
            self.index = index
        }

        static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }

        mutating func skipSpace() {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        }

        func invalid(_ reason: String) -> ReplayFallback { ReplayFallback(reason: "invalid JSON: \(reason)") }

        /// Reads one value; at depth 0 an object's members named in `keys` are recorded in `spans`.
        mutating func value(depth: Int, keys: Keys, spans: inout [Span]) throws -> Span {
            guard depth <= Payload.maximumDepth else { throw ReplayFallback(reason: "nested too deeply") }
            guard index < bytes.count else { throw invalid("unexpected end") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return Span(kind: .object, start: start, end: index)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw invalid("key") }
                    let key = try string()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw invalid("':'") }
                    index += 1
                    skipSpace()
                    let member = try value(depth: depth + 1, keys: keys, spans: &spans)
                    if depth == 0 {
                        if key.escaped { throw ReplayFallback(reason: "an escaped key") }
                        if let slot = keys.slot(of: UnsafeBufferPointer(rebasing: bytes[key.start..<key.end])) {
                            if spans[slot].kind != .missing { throw ReplayFallback(reason: "a key written twice") }
                            spans[slot] = member
                        }
                    }
                    skipSpace()
                    guard index < bytes.count else { throw invalid("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else { throw invalid("',' or '}'") }
                    index += 1
                    return Span(kind: .object, start: start, end: index)
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return Span(kind: .array, start: start, end: index)
                }
                var none: [Span] = []
                while true {
                    skipSpace()
                    _ = try value(depth: depth + 1, keys: Keys.none, spans: &none)
                    skipSpace()
                    guard index < bytes.count else { throw invalid("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { throw invalid("',' or ']'") }
                    index += 1
                    return Span(kind: .array, start: start, end: index)
                }
            case UInt8(ascii: "\""):
                return try string()
            case UInt8(ascii: "t"):
                try literal("true")
                return Span(kind: .bool, start: start, end: index, isTrue: true)
            case UInt8(ascii: "f"):
                try literal("false")
                return Span(kind: .bool, start: start, end: index)
            case UInt8(ascii: "n"):
                try literal("null")
                return Span(kind: .null, start: start, end: index)
            default:
                try number()
                return Span(kind: .number, start: start, end: index)
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw invalid("literal") }
            for k in 0..<count where bytes[index + k] != word.utf8Start[k] { throw invalid("literal") }
            index += count
        }

        mutating func digits() throws {
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { throw invalid("number") }
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
        }

        /// RFC 8259 numbers, which is also what SQLite accepts.
        mutating func number() throws {
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw invalid("number") }
            if bytes[index] == 48 {
                index += 1
            } else {
                try digits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                try digits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                try digits()
            }
        }

        /// A string at the cursor; its span excludes the quotes.
        mutating func string() throws -> Span {
            index += 1
            let start = index
            var escaped = false
            let raw = UnsafeRawPointer(bytes.baseAddress!)
            while true {
                // Eight bytes at a time while none is a quote, a backslash or a control character.
                while index + 8 <= bytes.count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let quote = word ^ 0x2222_2222_2222_2222
                    let slash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                    let low: UInt64 = 0x0101_0101_0101_0101
                    let high: UInt64 = 0x8080_8080_8080_8080
                    let special =
                        ((quote &- low) & ~quote) | ((slash &- low) & ~slash)
                        | ((word &- 0x2020_2020_2020_2020) & ~word)
                    if special & high != 0 { break }
                    index += 8
                }
                guard index < bytes.count else { throw invalid("unterminated string") }
                let c = bytes[index]
                if c == UInt8(ascii: "\"") { break }
                if c < 0x20 { throw invalid("control character in a string") }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    guard index + 1 < bytes.count else { throw invalid("unterminated string") }
                    switch bytes[index + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        guard index + 5 < bytes.count,
                            (index + 2...index + 5).allSatisfy({ Hex.value(of: bytes[$0]) != nil })
                        else { throw invalid("\\u escape") }
                        index += 6
                    default:
                        throw invalid("escape")
                    }
                    continue
                }
                index += 1
            }
            let span = Span(kind: .string, start: start, end: index, escaped: escaped)
            index += 1
            return span
        }
    }
}
