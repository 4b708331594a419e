/// A PEP 440 version: epoch, release, pre, post, dev and local segments, ordered as pip orders them.
///
/// > "Pre-releases of any kind … are sorted before the corresponding final release"; a local version
/// > label sorts after the same public version. (PEP 440, "Summary of permitted suffixes and relative ordering")
public struct PackageVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The epoch (`N!`), usually 0.
    public var epoch: Int
    /// The release segment, e.g. `[2, 5, 1]`.
    public var release: [Int]
    /// The pre-release phase (`a`, `b`, `rc`) and number.
    public var pre: (phase: String, number: Int)?
    /// The post-release number.
    public var post: Int?
    /// The development release number.
    public var dev: Int?
    /// The local label after `+`, e.g. `cu124`.
    public var local: String?
    /// The text as written.
    public var text: String

    /// Parses `text`; nil when it is not a PEP 440 version.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        for index in bytes.indices where bytes[index] >= 65 && bytes[index] <= 90 { bytes[index] += 32 }
        var parser = VersionScanner(bytes: bytes)
        guard let parsed = parser.parse() else { return nil }
        self = parsed
        self.text = text
    }

    /// A final release from its numbers (`PackageVersion(release: 2, 4, 0)`), for constants.
    init(release: Int...) {
        self.init(epoch: 0, release: release, pre: nil, post: nil, dev: nil, local: nil)
        self.text = release.map(String.init).joined(separator: ".")
    }

    init(epoch: Int, release: [Int], pre: (String, Int)?, post: Int?, dev: Int?, local: String?) {
        self.epoch = epoch
        self.release = release
        self.pre = pre.map { (phase: $0.0, number: $0.1) }
        self.post = post
        self.dev = dev
        self.local = local
        self.text = ""
    }

    /// The version without its local label.
    public var isPrerelease: Bool { pre != nil || dev != nil }

    /// `major.minor` (or just major).
    public var minorKey: String { release.prefix(2).map(String.init).joined(separator: ".") }

    /// Major number.
    public var major: Int { release.first ?? 0 }
    /// Minor number.
    public var minor: Int { release.count > 1 ? release[1] : 0 }
    /// Micro (patch) number.
    public var micro: Int { release.count > 2 ? release[2] : 0 }

    /// The public version (release with pre/post/dev, no local), normalized.
    public var publicString: String {
        var out = epoch != 0 ? "\(epoch)!" : ""
        out += release.map(String.init).joined(separator: ".")
        if let pre { out += "\(pre.phase)\(pre.number)" }
        if let post { out += ".post\(post)" }
        if let dev { out += ".dev\(dev)" }
        return out
    }

    /// `major.minor.micro` only.
    public var baseString: String { "\(major).\(minor).\(micro)" }

    /// Normalized text including the local label.
    public var description: String { local.map { publicString + "+" + $0 } ?? publicString }

    /// PEP 440 equality (`2.0` equals `2.0.0`).
    public static func == (lhs: PackageVersion, rhs: PackageVersion) -> Bool { compare(lhs, rhs) == 0 }

    /// Hashes what equality compares (trailing zero release parts ignored).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        var trimmed = release
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
        hasher.combine(pre?.phase)
        hasher.combine(pre?.number)
        hasher.combine(post)
        hasher.combine(dev)
        hasher.combine(local)
    }

    /// PEP 440 ordering.
    public static func < (lhs: PackageVersion, rhs: PackageVersion) -> Bool { compare(lhs, rhs) < 0 }

    /// Three-way comparison per PEP 440.
    public static func compare(_ a: PackageVersion, _ b: PackageVersion, ignoringLocal: Bool = false) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let count = max(a.release.count, b.release.count)
        for index in 0..<count {
            let x = index < a.release.count ? a.release[index] : 0
            let y = index < b.release.count ? b.release[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        let preA = a.preKey, preB = b.preKey
        if preA != preB { return preA < preB ? -1 : 1 }
        let postA = a.post ?? -1, postB = b.post ?? -1
        if postA != postB { return postA < postB ? -1 : 1 }
        let devA = a.dev ?? Int.max, devB = b.dev ?? Int.max
        if devA != devB { return devA < devB ? -1 : 1 }
        if ignoringLocal { return 0 }
        switch (a.local, b.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (x?, y?): return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    /// Sort key of the pre-release part: a dev-only release sorts before any pre-release.
    private var preKey: Int {
        guard let pre else { return (post == nil && dev != nil) ? Int.min : Int.max }
        let phase = pre.phase == "a" ? 0 : (pre.phase == "b" ? 1 : 2)
        return phase * 1_000_000 + min(pre.number, 999_999)
    }
}

/// A byte scanner for the PEP 440 grammar (linear, total).
struct VersionScanner {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // Leading and trailing whitespace are allowed.
        while index < bytes.count, bytes[index] == 32 { index += 1 }
    }

    mutating func parse() -> PackageVersion? {
        if peek == UInt8(ascii: "v") { index += 1 }
        guard var first = number() else { return nil }
        var epoch = 0
        if peek == UInt8(ascii: "!") {
            index += 1
            epoch = first
            guard let next = number() else { return nil }
            first = next
        }
        var release = [first]
        while peek == UInt8(ascii: "."), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            index += 1
            guard let part = number() else { return nil }
            release.append(part)
        }
        var pre: (String, Int)?
        var post: Int?
        var dev: Int?
        let saved = index
        skipSeparator()
        if let phase = prePhase() {
            skipSeparator()
            pre = (phase, number() ?? 0)
        } else {
            index = saved
        }
        let savedPost = index
        if peek == UInt8(ascii: "-"), index + 1 < bytes.count, isDigit(bytes[index + 1]) {
            index += 1
            post = number()
        } else {
            skipSeparator()
            if word("post") || word("rev") || word("r") {
                skipSeparator()
                post = number() ?? 0
            } else {
                index = savedPost
            }
        }
        let savedDev = index
        skipSeparator()
        if word("dev") {
            dev = number() ?? 0
        } else {
            index = savedDev
        }
        var local: String?
        if peek == UInt8(ascii: "+") {
            index += 1
            let start = index
            while index < bytes.count, isAlnum(bytes[index]) || isSeparator(bytes[index]) { index += 1 }
            guard index > start else { return nil }
            local = String(decoding: bytes[start..<index], as: UTF8.self)
        }
        while index < bytes.count, bytes[index] == 32 { index += 1 }
        guard index == bytes.count else { return nil }
        return PackageVersion(epoch: epoch, release: release, pre: pre, post: post, dev: dev, local: local)
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func number() -> Int? {
        let start = index
        var value = 0
        while index < bytes.count, isDigit(bytes[index]) {
            if value < 100_000_000 { value = value * 10 + Int(bytes[index] - 48) }
            index += 1
        }
        return index > start ? value : nil
    }

    mutating func skipSeparator() {
        if let byte = peek, isSeparator(byte) { index += 1 }
    }

    mutating func word(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        index += count
        return true
    }

    mutating func prePhase() -> String? {
        guard let first = peek, first == 97 || first == 98 || first == 99 || first == 112 || first == 114 else {
            return nil
        }
        if word("alpha") { return "a" }
        if word("beta") { return "b" }
        if word("preview") || word("pre") || word("rc") || word("c") { return "rc" }
        if word("a") { return "a" }
        if word("b") { return "b" }
        return nil
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 97 && byte <= 122) }
    func isSeparator(_ byte: UInt8) -> Bool { byte == 46 || byte == 45 || byte == 95 }
}
