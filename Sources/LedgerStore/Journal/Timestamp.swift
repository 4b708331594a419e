import Foundation

/// RFC 3339 UTC timestamps with fractional seconds, as every stored and printed time is written.
public enum Timestamp {
    /// `2026-11-25T09:29:13.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses RFC 3339 (`2026-11-25T09:29:13Z`, with optional fraction and any offset; `t`/` ` separators).
    ///
    /// Hand-written because it runs once per imported event: no formatter allocation, linear in the text.
    public static func parse(_ text: String) -> Date? {
        var utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= utf8.count else { return nil }
            var value = 0
            for index in from..<(from + count) {
                let c = utf8[index]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = digits(0, 4), utf8[4] == 45, let month = digits(5, 2), utf8[7] == 45,
            let day = digits(8, 2), [84, 116, 32].contains(utf8[10]), let hour = digits(11, 2), utf8[13] == 58,
            let minute = digits(14, 2), utf8[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if utf8[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < utf8.count else { return nil }
        var offset = 0
        switch utf8[index] {
        case 90, 122:  // Z z
            index += 1
        case 43, 45:  // + -
            let sign = utf8[index] == 43 ? 1 : -1
            guard let oh = digits(index + 1, 2), index + 3 < utf8.count, utf8[index + 3] == 58,
                let om = digits(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            index += 6
        default:
            return nil
        }
        guard index == utf8.count else { return nil }
        utf8.removeAll()
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// Parses RFC 3339, or a relative age such as `7d`, `24h`, `30m`, `90s`, `2w` counted back from `now`.
    public static func parseBound(_ text: String, now: Date = Date()) -> Date? {
        if let date = parse(text) { return date }
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = value
        case "m": seconds = value * 60
        case "h": seconds = value * 3600
        case "d": seconds = value * 86400
        case "w": seconds = value * 604800
        default: return nil
        }
        return now.addingTimeInterval(-seconds)
    }
}
