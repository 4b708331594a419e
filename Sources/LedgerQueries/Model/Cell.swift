import Foundation
import LedgerStore

/// One value of a result row, in the shapes the renderers know (JSON, CSV, table).
public enum Cell: Sendable, Equatable {
    case text(String)
    case int(Int)
    case number(Double)
    case bool(Bool)
    case null
    /// A nested object with ordered fields (JSON only; CSV and tables flatten it).
    case object([Field])

    /// A timestamp in Unix seconds, written RFC 3339 UTC.
    public static func time(_ seconds: Double?) -> Cell {
        guard let seconds else { return .null }
        return .text(RFC3339.format(seconds))
    }

    /// Optional text, null when nil.
    public static func optional(_ text: String?) -> Cell { text.map(Cell.text) ?? .null }

    /// A number rounded to milliseconds, null when nil.
    public static func seconds(_ value: Double?) -> Cell {
        guard let value else { return .null }
        return .number((value * 1000).rounded() / 1000)
    }
}

/// A named cell.
public struct Field: Sendable, Equatable {
    /// The snake_case field name.
    public var name: String
    /// Its value.
    public var value: Cell

    /// Creates a field.
    public init(_ name: String, _ value: Cell) {
        self.name = name
        self.value = value
    }
}

/// A query result row: ordered snake_case fields, the contract's JSON object.
public protocol TabularRow: Sendable {
    /// The fields in output order.
    var fields: [Field] { get }
}

/// RFC 3339 UTC with milliseconds (`2026-11-25T09:29:13.123Z`, as ``Timestamp/format(_:)`` writes), made
/// with `gmtime_r` so that thousands of rows format in a few milliseconds.
public enum RFC3339 {
    /// Formats Unix seconds, rounded to the millisecond.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e13 else {
            return Timestamp.format(Date(timeIntervalSince1970: seconds))
        }
        let millis = Int64((seconds * 1000).rounded())
        var whole = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let fraction = Int(millis - Int64(whole) * 1000)
        var parts = tm()
        guard gmtime_r(&whole, &parts) != nil else { return Timestamp.format(Date(timeIntervalSince1970: seconds)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            for _ in 0..<count {
                bytes.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor = max(divisor / 10, 1)
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(45)
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(45)
        digits(Int(parts.tm_mday), 2)
        bytes.append(84)
        digits(Int(parts.tm_hour), 2)
        bytes.append(58)
        digits(Int(parts.tm_min), 2)
        bytes.append(58)
        digits(Int(parts.tm_sec), 2)
        bytes.append(46)
        digits(fraction, 3)
        bytes.append(90)
        return String(decoding: bytes, as: UTF8.self)
    }
}
