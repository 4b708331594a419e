/// One PEP 440 version clause such as `==2.5.1`, `>=0.30.0` or `~=2.1`.
public struct VersionClause: Sendable, Equatable {
    /// The operator: `==`, `!=`, `<=`, `>=`, `<`, `>`, `~=` or `===`.
    public var op: String
    /// The version text (may end in `.*` for `==` and `!=`).
    public var version: String
    /// `version` parsed (nil for wildcards and `===`).
    let target: PackageVersion?

    /// A clause; the version is parsed once here.
    public init(op: String, version: String) {
        self.op = op
        self.version = version
        self.target = op == "===" || version.hasSuffix(".*") ? nil : PackageVersion(version)
    }

    /// Whether `candidate` satisfies this clause (pre-releases allowed, as pip checks installed versions).
    public func contains(_ candidate: PackageVersion) -> Bool {
        if op == "===" { return candidate.text == version || candidate.description == version }
        if (op == "==" || op == "!=") && version.hasSuffix(".*") {
            guard let prefix = PackageVersion(String(version.dropLast(2))) else { return false }
            let matches =
                candidate.epoch == prefix.epoch
                && Array(candidate.release.prefix(prefix.release.count))
                    + Array(
                        repeating: 0, count: max(0, prefix.release.count - candidate.release.count))
                    == prefix.release
            return op == "==" ? matches : !matches
        }
        guard let target else { return false }
        switch op {
        case "==":
            return PackageVersion.compare(candidate, target, ignoringLocal: target.local == nil) == 0
        case "!=":
            return PackageVersion.compare(candidate, target, ignoringLocal: target.local == nil) != 0
        case "<=":
            return PackageVersion.compare(candidate, target, ignoringLocal: true) <= 0
        case ">=":
            return PackageVersion.compare(candidate, target, ignoringLocal: true) >= 0
        case "<":
            guard PackageVersion.compare(candidate, target, ignoringLocal: true) < 0 else { return false }
            // `<V` excludes pre-releases of V itself unless V is one.
            if !target.isPrerelease, candidate.isPrerelease, sameRelease(candidate, target) { return false }
            return true
        case ">":
            guard PackageVersion.compare(candidate, target, ignoringLocal: true) > 0 else { return false }
            if target.post == nil, candidate.post != nil, sameRelease(candidate, target) { return false }
            return true
        case "~=":
            guard target.release.count >= 2,
                PackageVersion.compare(candidate, target, ignoringLocal: true) >= 0
            else { return false }
            let prefix = Array(target.release.dropLast())
            return Array(candidate.release.prefix(prefix.count)) == prefix
        default:
            return false
        }
    }
}

/// Whether two versions have the same release segment (`2.6` and `2.6.0` do).
func sameRelease(_ a: PackageVersion, _ b: PackageVersion) -> Bool {
    let count = max(a.release.count, b.release.count)
    return (0..<count).allSatisfy { index in
        (index < a.release.count ? a.release[index] : 0) == (index < b.release.count ? b.release[index] : 0)
    }
}

/// A comma-separated set of clauses (`>=0.30.0,<1.0`); empty means any version.
public struct VersionSpecifier: Sendable, Equatable {
    /// The clauses, all of which must hold.
    public var clauses: [VersionClause]

    /// An empty specifier (any version).
    public init(clauses: [VersionClause] = []) {
        self.clauses = clauses
    }

    /// Parses `>=1.0, <2` (whitespace allowed); nil when a clause is malformed.
    public init?(parsing text: String) {
        var clauses: [VersionClause] = []
        let parts: [Substring] =
            text.utf8.contains(UInt8(ascii: ","))
            ? text.split(separator: ",", omittingEmptySubsequences: false) : [Substring(text)]
        for rawPart in parts {
            let part = rawPart.trimmingSpaces
            if part.isEmpty {
                if text.trimmingSpaces.isEmpty { break }
                return nil
            }
            var op = ""
            for candidate in ["===", "==", "!=", "<=", ">=", "~=", "<", ">"] where part.hasPrefix(candidate) {
                op = candidate
                break
            }
            guard !op.isEmpty else { return nil }
            let version = part.dropFirst(op.count).trimmingSpaces
            guard !version.isEmpty else { return nil }
            let clause = VersionClause(op: op, version: version)
            if op != "===" {
                if version.hasSuffix(".*") {
                    guard PackageVersion(String(version.dropLast(2))) != nil else { return nil }
                } else if clause.target == nil {
                    return nil
                }
            }
            clauses.append(clause)
        }
        self.clauses = clauses
    }

    /// Whether every clause holds for `candidate`.
    public func contains(_ candidate: PackageVersion) -> Bool { clauses.allSatisfy { $0.contains(candidate) } }

    /// The exact version when the specifier is a single `==V` (no wildcard) or `===V`.
    public var pinned: PackageVersion? {
        guard clauses.count == 1, clauses[0].op == "==" || clauses[0].op == "===",
            !clauses[0].version.hasSuffix(".*")
        else { return nil }
        return clauses[0].op == "===" ? PackageVersion(clauses[0].version) : clauses[0].target
    }

    /// Whether there are no clauses.
    public var isEmpty: Bool { clauses.isEmpty }

    /// The clauses as written, joined by commas.
    public var description: String { clauses.map { $0.op + $0.version }.joined(separator: ",") }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let utf8 = Substring(self).utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(Substring(utf8[start..<end]))
    }
}
