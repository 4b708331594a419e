import Foundation

/// One PEP 508 requirement (`torch==2.5.1+cu124`, `transformers[torch]>=4.51; python_version>="3.9"`),
/// or a direct reference (a URL, a wheel file name, a path).
public struct Requirement: Sendable, Equatable {
    /// The name as written.
    public var name: String
    /// The name normalized per PEP 503 (lower case, runs of `-_.` as one `-`).
    public var normalizedName: String
    /// Extras in brackets.
    public var extras: [String]
    /// The version clauses.
    public var specifier: VersionSpecifier
    /// A direct reference (`name @ url`, a bare URL or a wheel path).
    public var url: String?
    /// The environment marker after `;`.
    public var marker: String?
    /// For a wheel file reference, the version encoded in its file name.
    public var wheelVersion: PackageVersion?
    /// The requirement text as written.
    public var text: String

    /// The exact version this requirement installs, if it names one (`==V` or a wheel file).
    public var pinnedVersion: PackageVersion? { specifier.pinned ?? wheelVersion }

    /// Normalizes a distribution name per PEP 503.
    public static func normalize(_ name: String) -> String {
        var out = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(character)
                lastWasSeparator = false
            }
        }
        return out
    }

    /// Parses one requirement; nil when the text is not a valid requirement.
    public static func parse(_ raw: String) -> Requirement? {
        let text = raw.trimmingSpaces
        guard !text.isEmpty else { return nil }
        if looksLikeReference(text) { return parseReference(text) }
        // Name and extras, scanned as bytes (most pip arguments are short ASCII words).
        let bytes = Array(text.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
        }
        guard let first = bytes.first, isAlphanumeric(first) else { return nil }
        var index = 0
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard isAlphanumeric(bytes[index - 1]) else { return nil }
        let name = String(decoding: bytes[0..<index], as: UTF8.self)
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
        var extras: [String] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") {
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "]")) else { return nil }
            extras = String(decoding: bytes[(index + 1)..<close], as: UTF8.self).split(separator: ",").map {
                $0.trimmingSpaces
            }
            guard extras.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isNameByte) }) else { return nil }
            index = close + 1
            while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
        }
        let rest = Substring(String(decoding: bytes[index...], as: UTF8.self))
        var marker: String?
        var url: String?
        var specText = ""
        if rest.first == "@" {
            let after = rest.dropFirst().trimmingSpaces
            // PEP 508: a marker after a URL must be preceded by whitespace.
            if let range = after.range(of: " ;") ?? after.range(of: "\t;") {
                url = after[after.startIndex..<range.lowerBound].trimmingSpaces
                marker = after[range.upperBound...].trimmingSpaces
            } else {
                url = after
            }
            guard let url, !url.isEmpty, !url.contains(" ") else { return nil }
        } else {
            if let semicolon = rest.firstIndex(of: ";") {
                marker = rest[rest.index(after: semicolon)...].trimmingSpaces
                specText = rest[rest.startIndex..<semicolon].trimmingSpaces
            } else {
                specText = rest.trimmingSpaces
            }
            if specText.hasPrefix("(") {
                guard specText.hasSuffix(")") else { return nil }
                specText = String(specText.dropFirst().dropLast())
            }
        }
        if let marker, marker.isEmpty { return nil }
        guard let specifier = VersionSpecifier(parsing: specText) else { return nil }
        return Requirement(
            name: name, normalizedName: normalize(name), extras: extras, specifier: specifier, url: url,
            marker: marker, wheelVersion: nil, text: text)
    }

    static func looksLikeReference(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first else { return false }
        // `name @ url` and `name[extra] @ url` are PEP 508 requirements, not bare references.
        var sawAt = false
        var nameOnly = true
        var slash = false
        for byte in bytes {
            if byte == UInt8(ascii: ";") { break }
            if byte == UInt8(ascii: "@") && !sawAt {
                sawAt = true
                if nameOnly { return false }
            }
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: ":") { slash = true }
            if !sawAt,
                !(Self.isNameByte(byte) || byte == 32 || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
                    || byte == UInt8(ascii: ","))
            {
                nameOnly = false
            }
        }
        if first == UInt8(ascii: ".") || first == UInt8(ascii: "/") || first == UInt8(ascii: "~") { return true }
        if slash { return true }
        // A wheel or sdist file name (before any `;` marker), compared case-insensitively.
        var head = Array(bytes.prefix { $0 != UInt8(ascii: ";") })
        while let last = head.last, last == 32 || last == 9 { head.removeLast() }
        func hasSuffix(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard head.count >= count else { return false }
            let pointer = suffix.utf8Start
            for offset in 0..<count {
                var byte = head[head.count - count + offset]
                if byte >= 65 && byte <= 90 { byte += 32 }
                if byte != pointer[offset] { return false }
            }
            return true
        }
        return hasSuffix(".whl") || hasSuffix(".tar.gz") || hasSuffix(".zip")
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
            || byte == 95 || byte == 46
    }

    /// A URL, path or wheel file; the name comes from a wheel file name or `#egg=`.
    static func parseReference(_ text: String) -> Requirement? {
        var location = text
        var marker: String?
        if let range = text.range(of: " ;") ?? text.range(of: "; ") {
            location = text[text.startIndex..<range.lowerBound].trimmingSpaces
            marker = text[range.upperBound...].trimmingSpaces
        }
        var name = ""
        var wheelVersion: PackageVersion?
        if let egg = location.range(of: "#egg=") {
            name = String(location[egg.upperBound...].prefix { $0 != "&" && $0 != "[" })
        }
        let path = location.split(separator: "#").first.map(String.init) ?? location
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let decoded = file.replacingPercentPlus()
        if decoded.lowercased().hasSuffix(".whl") {
            let parts = decoded.dropLast(4).split(separator: "-")
            if parts.count >= 5 {
                if name.isEmpty { name = String(parts[0]) }
                wheelVersion = PackageVersion(String(parts[1]))
            }
        } else if name.isEmpty, decoded.hasSuffix(".tar.gz") || decoded.hasSuffix(".zip") {
            let stem = decoded.hasSuffix(".zip") ? decoded.dropLast(4) : decoded.dropLast(7)
            if let dash = stem.lastIndex(of: "-") {
                name = String(stem[stem.startIndex..<dash])
                wheelVersion = PackageVersion(String(stem[stem.index(after: dash)...]))
            }
        }
        return Requirement(
            name: name, normalizedName: normalize(name), extras: [], specifier: VersionSpecifier(), url: location,
            marker: marker, wheelVersion: wheelVersion, text: text)
    }
}

extension String {
    /// Decodes `%2B` (a `+` in wheel URLs) and `%2b`.
    func replacingPercentPlus() -> String {
        guard contains("%") else { return self }
        return replacingOccurrences(of: "%2B", with: "+").replacingOccurrences(of: "%2b", with: "+")
    }
}
