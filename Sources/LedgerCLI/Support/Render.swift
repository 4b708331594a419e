import ArgumentParser
import Foundation
import LedgerQueries
import LedgerStore

/// `--format` of the query commands.
enum QueryFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv

    /// `table` on a terminal, `json` otherwise.
    static func resolve(_ given: QueryFormat?) -> QueryFormat {
        given ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
    }
}

/// Options every query takes: the output format.
struct FormatOptions: ParsableArguments {
    @Option(help: "Output format: table, json or csv (default: table on a terminal, json otherwise).")
    var format: QueryFormat?

    /// The format in force.
    var resolved: QueryFormat { QueryFormat.resolve(format) }
}

/// `--since` / `--until`: RFC 3339 or a relative age (`7d`, `24h`).
struct TimeOptions: ParsableArguments {
    @Option(help: "Only rows at or after this time (RFC 3339, or an age such as 7d, 24h).") var since: String?
    @Option(help: "Only rows at or before this time (RFC 3339, or an age such as 7d, 24h).") var until: String?

    func validate() throws {
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.parseBound(value) == nil {
                throw ValidationError(
                    "\(flag) \(value): expected RFC 3339 (2026-11-25T09:00:00Z) or an age like 7d, 24h")
            }
        }
    }

    /// A filter with the bounds set.
    func filter() -> QueryFilter {
        QueryFilter(
            since: since.flatMap { Timestamp.parseBound($0) }, until: until.flatMap { Timestamp.parseBound($0) })
    }
}

/// Renders query rows as a table, a bare JSON array of snake_case objects, or CSV.
enum Render {
    /// Writes `rows` to stdout in `format`; an empty result is `[]` in JSON and nothing otherwise.
    static func write(_ rows: [any TabularRow], format: QueryFormat, extraTableColumn: ((Int) -> String)? = nil) {
        switch format {
        case .json: Output.write(Data(json(rows).utf8))
        case .csv: Output.write(Data(csv(rows).utf8))
        case .table:
            if rows.isEmpty {
                Diagnostics.note("no rows")
            } else {
                Output.write(Data(table(rows, extra: extraTableColumn).utf8))
            }
        }
    }

    /// `[{...},\n{...}]` and a newline.
    static func json(_ rows: [any TabularRow]) -> String {
        var out = "["
        out.reserveCapacity(rows.count * 256)
        for (i, row) in rows.enumerated() {
            out += i == 0 ? "" : ",\n"
            out += jsonObject(row.fields)
        }
        return out + "]\n"
    }

    static func jsonObject(_ fields: [Field]) -> String {
        "{" + fields.map { jsonString($0.name) + ":" + jsonValue($0.value) }.joined(separator: ",") + "}"
    }

    static func jsonValue(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): jsonString(text)
        case .int(let value): String(value)
        case .number(let value): value.isFinite ? number(value) : "null"
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .object(let fields): jsonObject(fields)
        }
    }

    /// Shortest round-trip text of a number, integral values without a fraction.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func jsonString(_ text: String) -> String {
        EventLine.quote(text)
    }

    /// Column names in first-seen order; nested objects flatten to `name.member`.
    static func columns(_ rows: [[(String, String)]]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for row in rows {
            for (name, _) in row where seen.insert(name).inserted { names.append(name) }
        }
        return names
    }

    static func flat(_ fields: [Field], prefix: String = "") -> [(String, String)] {
        fields.flatMap { field -> [(String, String)] in
            switch field.value {
            case .object(let members): flat(members, prefix: prefix + field.name + ".")
            case .null: [(prefix + field.name, "")]
            case .text(let text): [(prefix + field.name, text)]
            default: [(prefix + field.name, jsonValue(field.value))]
            }
        }
    }

    static func csv(_ rows: [any TabularRow]) -> String {
        guard !rows.isEmpty else { return "" }
        let flatRows = rows.map { flat($0.fields) }
        let names = columns(flatRows)
        func quote(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var out = names.map(quote).joined(separator: ",") + "\r\n"
        for row in flatRows {
            let values = Dictionary(row, uniquingKeysWith: { a, _ in a })
            out += names.map { quote(values[$0] ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func table(_ rows: [any TabularRow], extra: ((Int) -> String)?) -> String {
        var flatRows = rows.map { flat($0.fields) }
        if let extra {
            for i in flatRows.indices { flatRows[i].append(("", extra(i))) }
        }
        let names = columns(flatRows)
        let cells: [[String]] = flatRows.map { row in
            let values = Dictionary(row, uniquingKeysWith: { a, _ in a })
            return names.map { clip(values[$0] ?? "") }
        }
        var widths = names.map(\.count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in v.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = line(names.map { $0.uppercased() }) + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }

    /// One line, at most 60 characters, for table cells.
    static func clip(_ text: String) -> String {
        let single = text.replacingOccurrences(of: "\n", with: "⏎")
        return single.count > 60 ? String(single.prefix(59)) + "…" : single
    }
}
