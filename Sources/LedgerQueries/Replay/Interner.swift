import Foundation
import LedgerStore

/// Numbers for repeated strings (ids, names, metadata) keyed by their UTF-8 bytes, so that a replay neither
/// allocates a string nor hashes with `Hasher` per event: the bytes live once in an arena, found through an
/// open-addressing table.
struct Interner {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var table = [Int32](repeating: -1, count: 1024)
    private var last: Int32 = -1

    /// How many distinct strings it holds.
    var count: Int { hashes.count }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }

    /// Runs `body` with the bytes of string `id`.
    func withBytes<T>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try arena.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[starts[Int(id)]..<starts[Int(id) + 1]]))
        }
    }

    func matches(_ id: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withBytes(id) { StoredEventBytes.equal($0, bytes) }
    }

    /// The number of the string spelled by `bytes`; bytes that are not UTF-8 fall back.
    mutating func id(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Int32 {
        if last >= 0, matches(last, bytes) { return last }
        let hash = Self.hash(bytes)
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while table[slot] >= 0 {
            let candidate = table[slot]
            if hashes[Int(candidate)] == hash, matches(candidate, bytes) {
                last = candidate
                return candidate
            }
            slot = (slot + 1) & mask
        }
        if !Payload.isASCII(bytes), String(validating: bytes, as: UTF8.self) == nil {
            throw ReplayFallback(reason: "a string is not UTF-8")
        }
        let id = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        table[slot] = id
        if hashes.count * 2 > table.count { grow() }
        last = id
        return id
    }

    /// The number of `text`.
    mutating func id(_ text: String) -> Int32 {
        var text = text
        // A Swift string is valid UTF-8, so this cannot throw.
        return text.withUTF8 { (try? id($0)) ?? 0 }
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        let mask = table.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(id)
        }
    }

    /// Each string's place in byte order (SQLite's BINARY collation), by number.
    func ranks() -> [Int32] {
        let order = arena.withUnsafeBufferPointer { all in
            (0..<count).sorted { a, b in
                let x = UnsafeBufferPointer(rebasing: all[starts[a]..<starts[a + 1]])
                let y = UnsafeBufferPointer(rebasing: all[starts[b]..<starts[b + 1]])
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        var rank = [Int32](repeating: 0, count: count)
        for (place, index) in order.enumerated() { rank[index] = Int32(place) }
        return rank
    }
}

extension RawStatement {
    /// Binds string `id` of `interner`.
    func bind(_ index: Int32, _ interner: Interner, _ id: Int32) {
        interner.withBytes(id) { bind(index, bytes: $0) }
    }
}

extension RawStatement {
    /// Binds a number as `->>` returned it (NULL for nil).
    func bind(_ index: Int32, _ number: Payload.JSONNumber?) {
        switch number {
        case .integer(let value): bind(index, value)
        case .real(let value): bind(index, value)
        case nil: bind(index, Int64?.none)
        }
    }
}
