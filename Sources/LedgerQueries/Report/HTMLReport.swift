import Foundation
import GRDB
import LedgerStore

/// `ledger report --html`: one self-contained page (inline CSS and SVG, nothing fetched) with the status,
/// a build-time chart per instance type, flaky and regression tables and the recent fixes.
public enum HTMLReport {
    /// Renders the report from the projections.
    public static func render(filter: QueryFilter, generatedAt: Date = Date(), in db: Database) throws -> String {
        let status = try Queries.status(filter: filter, in: db)
        let compare = try Queries.compare(by: .instanceType, filter: filter, in: db)
        let flaky = try Queries.flaky(filter: QueryFilter(project: filter.project, limit: 50), in: db)
        let regressions = try Queries.regressions(filter: QueryFilter(project: filter.project), in: db)
        var fixFilter = filter
        fixFilter.limit = 20
        let fixes = try Queries.fixes(filter: fixFilter, in: db)
        let scope = filter.project.map { " for project " + escape($0) } ?? ""
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>ledger report</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin-bottom:2em}
            th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
            th{background:#f3f3f3}
            .bar-cold{fill:#4a7bd0}.bar-warm{fill:#e08a2c}
            </style></head><body>
            <h1>ledger report</h1>
            <p>Generated \(escape(Timestamp.format(generatedAt)))\(scope).</p>

            """
        html += section("Status", rows: status)
        html += "<h2>Build time per instance type</h2>\n" + chart(compare) + "\n"
        html += section("Flaky tests", rows: flaky)
        html += section("Regressions", rows: regressions)
        html += section("Recent fixes", rows: fixes)
        html += "</body></html>\n"
        return html
    }

    /// A horizontal bar chart of median successful-attempt time per instance type and cache state.
    static func chart(_ rows: [CompareRow]) -> String {
        guard !rows.isEmpty else { return "<p>No successful builds yet.</p>" }
        let longest = rows.map(\.medianS).max() ?? 1
        let barHeight = 22
        let labelWidth = 220
        let width = 760
        let height = rows.count * (barHeight + 6) + 30
        var svg = """
            <svg id="build-time-chart" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            role="img" aria-label="median build time per instance type">

            """
        for (i, row) in rows.enumerated() {
            let y = 10 + i * (barHeight + 6)
            let length = longest > 0 ? Int(Double(width - labelWidth - 120) * row.medianS / longest) : 0
            let label = "\(row.group) (\(row.cache))"
            svg += """
                <text x="0" y="\(y + 16)" font-size="13">\(escape(label))</text>\
                <rect class="bar-\(row.cache == "warm" ? "warm" : "cold")" x="\(labelWidth)" y="\(y)" \
                width="\(max(length, 1))" height="\(barHeight)"><title>\(escape(label)): median \
                \(format(row.medianS)) s, n=\(row.n)</title></rect>\
                <text x="\(labelWidth + length + 6)" y="\(y + 16)" font-size="12">\(format(row.medianS)) s \
                (n=\(row.n))</text>

                """
        }
        return svg + "</svg>"
    }

    static func section(_ title: String, rows: [any TabularRow]) -> String {
        var html = "<h2>\(escape(title))</h2>\n"
        guard let first = rows.first else { return html + "<p>None.</p>\n" }
        let names = first.fields.map(\.name)
        html += "<table><tr>" + names.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows {
            let values = Dictionary(row.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            html += "<tr>" + names.map { "<td>\(escape(text(values[$0] ?? .null)))</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    static func text(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): s
        case .int(let i): String(i)
        case .number(let d): format(d)
        case .bool(let b): b ? "true" : "false"
        case .null: ""
        case .object(let fields): fields.map { "\($0.name)=\(text($0.value))" }.joined(separator: " ")
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
