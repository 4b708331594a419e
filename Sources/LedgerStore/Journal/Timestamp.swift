import Foundation

/// RFC 3339 UTC timestamps with fractional seconds, as every stored and printed time is written.
public enum Timestamp {
    /// `2026-11-25T09:29:13.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(
            Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses RFC 3339 with or without fractional seconds and with any offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return nil
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
