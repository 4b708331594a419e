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
        return .text(Timestamp.format(Date(timeIntervalSince1970: seconds)))
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
