/// Replaces secrets in engine output with `[REDACTED]` before anything is stored or shown.
///
/// One pass over the bytes with a 256-entry trigger table, so 300 MB of build log costs a fraction of a
/// second. It knows AWS access key ids (`AKIA…`, `ASIA…`) and secret keys (after `secret_access_key`),
/// Hugging Face (`hf_…`) and GitHub (`ghp_…`, `github_pat_…`) tokens, `Bearer …` credentials, and the
/// literal values given with `--secret-build-arg NAME=VALUE`.
public struct SecretRedactor: Sendable {
    /// What a secret becomes.
    public static let mask: [UInt8] = Array("[REDACTED]".utf8)

    private let values: [[UInt8]]
    private let trigger: [Bool]
    /// The literal values' first bytes, one vector each.
    private let firsts: [SIMD16<UInt8>]

    /// The longest literal value in bytes (0 without any).
    public var longestValue: Int { values.first?.count ?? 0 }

    /// A redactor for the built-in token shapes plus these literal values (empty values are ignored).
    public init(secretValues: [String] = []) {
        // A value of several lines (a key file) is also masked line by line, so that it is caught even when
        // output arrives cut between its lines; lines under 8 bytes (`}`, blank) would mask too much.
        // Bytes, not Strings: "\r\n" is one Character (a String split on "\n" would not cut it), and Strings
        // that are canonically equal but differ in bytes must both be masked.
        let given = Set(secretValues.map { Array($0.utf8) }.filter { !$0.isEmpty })
        var literals = given
        for value in given where value.contains(0x0A) {
            for line in value.split(separator: 0x0A) {
                let text = line.last == 0x0D ? line.dropLast() : line
                if text.count >= 8 { literals.insert(Array(text)) }
            }
        }
        values = literals.sorted { a, b in a.count != b.count ? a.count > b.count : a.lexicographicallyPrecedes(b) }
        var table = [Bool](repeating: false, count: 256)
        // Trigger bytes are the rarer parts of each shape: `_` (hf_, ghp_, github_pat_, secret_access_key),
        // `A` (AKIA…), `B`/`b` (Bearer), `S` (SecretAccessKey); common letters would slow the scan.
        for byte in "_ABbS".utf8 { table[Int(byte)] = true }
        for value in values { table[Int(value[0])] = true }
        trigger = table
        firsts = Set(values.map { $0[0] }).sorted().map { SIMD16(repeating: $0) }
    }

    /// `text` with its secrets masked.
    public func redact(_ text: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        guard redact(bytes[...], into: &out) else { return text }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `line` to `out` with its secrets masked; returns true when something was masked.
    @discardableResult
    public func redact(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { buffer in redact(buffer, into: &out) }
    }

    /// Appends the bytes at `p` to `out` with their secrets masked; returns true when something was masked.
    ///
    /// The built-in shapes never cross a newline (and a value of several lines is also masked line by line),
    /// so many lines can go through in one call with the same result as line by line.
    @discardableResult
    public func redact(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let count = p.count
        var copied = 0
        var index = 0
        var masked = false
        while index < count {
            index = nextTrigger(p, from: index)
            guard index < count else { break }
            guard let end = match(p, at: index) else {
                index += 1
                continue
            }
            let start = end.start
            guard start >= copied else {
                index += 1
                continue
            }
            if start > copied { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copied..<start])) }
            out.append(contentsOf: Self.mask)
            copied = end.end
            index = end.end
            masked = true
        }
        if copied < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: p[copied..<count])) }
        return masked
    }

    /// The first index at or after `from` where a secret may start (or `p.count`).
    ///
    /// A prefilter, 16 bytes at a time: `_` and the literal values' first bytes; `A` followed by the second
    /// letter of an AWS prefix (`K S G I R N`); `B`/`b` followed by `e`/`E` (Bearer); `S` followed by
    /// `e`/`E` (SecretAccessKey). Every position it skips is one where ``match(_:at:)`` finds nothing; the
    /// trigger table decides from the first candidate window on (and for the last 16 bytes).
    @inline(__always)
    private func nextTrigger(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = p.baseAddress else { return p.count }
        let underscore = SIMD16<UInt8>(repeating: UInt8(ascii: "_"))
        let upperA = SIMD16<UInt8>(repeating: UInt8(ascii: "A"))
        let upperS = SIMD16<UInt8>(repeating: UInt8(ascii: "S"))
        let lowerB = SIMD16<UInt8>(repeating: UInt8(ascii: "b"))
        let lowerE = SIMD16<UInt8>(repeating: UInt8(ascii: "e"))
        let caseBit = SIMD16<UInt8>(repeating: 0x20)
        let (k, s, g, i, r, n) = (
            SIMD16<UInt8>(repeating: UInt8(ascii: "K")), SIMD16<UInt8>(repeating: UInt8(ascii: "S")),
            SIMD16<UInt8>(repeating: UInt8(ascii: "G")), SIMD16<UInt8>(repeating: UInt8(ascii: "I")),
            SIMD16<UInt8>(repeating: UInt8(ascii: "R")), SIMD16<UInt8>(repeating: UInt8(ascii: "N"))
        )
        var index = from
        while index + 17 <= p.count {
            let window = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
            let next = UnsafeRawPointer(base + index + 1).loadUnaligned(as: SIMD16<UInt8>.self)
            let nextIsE = (next | caseBit) .== lowerE
            let aws = (next .== k) .| (next .== s) .| (next .== g) .| (next .== i) .| (next .== r) .| (next .== n)
            var hit = (window .== underscore) .| ((window .== upperA) .& aws)
            hit .|= (((window | caseBit) .== lowerB) .| (window .== upperS)) .& nextIsE
            for first in firsts { hit .|= window .== first }
            // `any(_:)` is a generic reduction here; the mask's 16 lanes read as two words are one test.
            let lanes = unsafeBitCast(hit, to: SIMD2<UInt64>.self)
            if lanes[0] | lanes[1] != 0 { break }
            index += 16
        }
        while index < p.count, !trigger[Int(p[index])] { index += 1 }
        return index
    }

    /// The range to mask when a secret starts at (or, for keyed secrets, after) `index`.
    private func match(_ p: UnsafeBufferPointer<UInt8>, at index: Int) -> (start: Int, end: Int)? {
        for value in values where p.count - index >= value.count && p[index] == value[0] {
            if Self.equal(p, index, value) { return (index, index + value.count) }
        }
        let wordStart = index == 0 || !Self.isWord(p[index - 1])
        switch p[index] {
        case UInt8(ascii: "A") where wordStart:
            // AWS access key ids: four-letter prefix + 16 upper-case letters or digits.
            guard p.count - index >= 20, Self.hasAWSPrefix(p, index) else { return nil }
            let end = Self.run(p, from: index + 4) { Self.isUpperOrDigit($0) }
            return end - index == 20 && (end == p.count || !Self.isWord(p[end])) ? (index, end) : nil
        case UInt8(ascii: "_"):
            return underscore(p, at: index)
        case UInt8(ascii: "B"), UInt8(ascii: "b"):
            guard wordStart, Self.equalFolded(p, index, "bearer "), index + 7 < p.count else { return nil }
            let start = Self.run(p, from: index + 7) { $0 == 0x20 }
            let end = Self.run(p, from: start) { Self.isWord($0) || "-._~+/=".utf8.contains($0) }
            return end - start >= 8 ? (start, end) : nil
        case UInt8(ascii: "S"):
            guard Self.equalFolded(p, index, "secretaccesskey") else { return nil }
            return Self.keyedValue(p, from: index + 15)
        default:
            return nil
        }
    }

    /// Shapes recognised at their first `_`: `hf_…`, `gh?_…`, `github_pat_…`, `…secret_access_key=…`.
    private func underscore(_ p: UnsafeBufferPointer<UInt8>, at index: Int) -> (start: Int, end: Int)? {
        func wordStart(_ start: Int) -> Bool { start >= 0 && (start == 0 || !Self.isWord(p[start - 1])) }
        if index >= 2, wordStart(index - 2), p[index - 2] == UInt8(ascii: "h"), p[index - 1] == UInt8(ascii: "f") {
            return Self.token(p, index - 2, prefixLength: 3, minimum: 20)
        }
        if index >= 3, wordStart(index - 3), p[index - 3] == UInt8(ascii: "g"), p[index - 2] == UInt8(ascii: "h"),
            "pousr".utf8.contains(p[index - 1])
        {
            return Self.token(p, index - 3, prefixLength: 4, minimum: 20)
        }
        if index >= 6, wordStart(index - 6), Self.equalFolded(p, index - 6, "github_pat_") {
            return Self.token(p, index - 6, prefixLength: 11, minimum: 20)
        }
        if index >= 6, Self.equalFolded(p, index - 6, "secret_access_key") {
            return Self.keyedValue(p, from: index + 11)
        }
        return nil
    }

    /// The value after a key such as `secret_access_key`: separators (`"':=` and blanks), then the value.
    private static func keyedValue(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> (start: Int, end: Int)? {
        let start = run(p, from: from) { " \t\"':=".utf8.contains($0) }
        let end = run(p, from: start) { isWord($0) || $0 == 0x2F || $0 == 0x2B || $0 == 0x3D }
        return end - start >= 16 ? (start, end) : nil
    }

    /// A token whose (already checked) prefix of `prefixLength` bytes starts at `start`.
    private static func token(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, prefixLength: Int, minimum: Int)
        -> (start: Int, end: Int)?
    {
        let end = run(p, from: start + prefixLength) { isWord($0) }
        return end - start - prefixLength >= minimum ? (start, end) : nil
    }

    private static func hasAWSPrefix(_ p: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let a = p[index + 1]
        let b = p[index + 2]
        let c = p[index + 3]
        switch (a, b, c) {
        case (0x4B, 0x49, 0x41), (0x53, 0x49, 0x41), (0x47, 0x50, 0x41), (0x49, 0x44, 0x41), (0x52, 0x4F, 0x41),
            (0x4E, 0x50, 0x41), (0x4E, 0x56, 0x41), (0x49, 0x50, 0x41):
            return true  // KIA SIA GPA IDA ROA NPA NVA IPA
        default:
            return false
        }
    }

    private static func run(_ p: UnsafeBufferPointer<UInt8>, from: Int, while body: (UInt8) -> Bool) -> Int {
        var index = from
        while index < p.count, body(p[index]) { index += 1 }
        return index
    }

    private static func equal(_ p: UnsafeBufferPointer<UInt8>, _ index: Int, _ value: [UInt8]) -> Bool {
        guard p.count - index >= value.count else { return false }
        for offset in 0..<value.count where p[index + offset] != value[offset] { return false }
        return true
    }

    private static func equalFolded(_ p: UnsafeBufferPointer<UInt8>, _ index: Int, _ lower: StaticString) -> Bool {
        let count = lower.utf8CodeUnitCount
        guard p.count - index >= count else { return false }
        let start = lower.utf8Start
        for offset in 0..<count where p[index + offset] | 0x20 != start[offset] | 0x20 { return false }
        return true
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F
    }

    private static func isUpperOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
    }
}
