import Foundation

/// JUnit XML for CI systems: one `<testcase>` per probe and structure test, grouped by the name's first part.
public enum JUnitReport {
    /// The XML document for `report`.
    public static func xml(_ report: TestReport) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let counts = TestReport.counts(report.tests)
        let errors = report.tests.filter { $0.status == "error" }.count
        lines.append(
            "<testsuites name=\"ledger test\" tests=\"\(report.tests.count)\" failures=\"\(counts.failed - errors)\" "
                + "errors=\"\(errors)\" skipped=\"\(counts.skipped)\" time=\(quote(seconds(report.durationS)))>")
        lines.append(
            "  <testsuite name=\(quote("\(report.image) (\(report.level))")) tests=\"\(report.tests.count)\" "
                + "failures=\"\(counts.failed - errors)\" errors=\"\(errors)\" skipped=\"\(counts.skipped)\" "
                + "time=\(quote(seconds(report.durationS))) timestamp=\(quote(report.startedAt))>")
        lines.append("    <properties>")
        for (name, value) in [
            ("image", report.image), ("image_id", report.imageId), ("run_id", report.runId),
            ("project", report.project), ("level", report.level),
        ] {
            lines.append("      <property name=\(quote(name)) value=\(quote(value))/>")
        }
        lines.append("    </properties>")
        for test in report.tests {
            let group = test.name.split(separator: ".").first.map(String.init) ?? test.name
            let open =
                "    <testcase classname=\(quote("ledger.\(group)")) name=\(quote(test.name)) "
                + "time=\(quote(seconds(test.durationS)))"
            let attempts = test.attempts > 1 ? " (\(test.attempts) attempts)" : ""
            switch test.status {
            case "passed" where test.attempts > 1:
                lines.append(open + ">")
                lines.append(
                    "      <system-out>\(escape("passed on attempt \(test.attempts): \(test.message)"))</system-out>")
                lines.append("    </testcase>")
            case "passed":
                lines.append(open + "/>")
            case "skipped":
                lines.append(open + ">")
                lines.append("      <skipped message=\(quote(test.message))/>")
                lines.append("    </testcase>")
            default:
                let tag = test.status == "error" ? "error" : "failure"
                lines.append(open + ">")
                lines.append(
                    "      <\(tag) message=\(quote(test.message + attempts)) type=\(quote(test.status))>"
                        + "\(escape(detailText(test)))</\(tag)>")
                lines.append("    </testcase>")
            }
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the XML to `path` with mode 0600.
    public static func write(_ report: TestReport, to path: String) throws {
        try TestReport.writePrivate(Data(xml(report).utf8), to: path)
    }

    static func detailText(_ test: TestCaseResult) -> String {
        var text = test.message
        for key in ["traceback", "output", "stderr"] {
            if let value = test.details[key]?.string, !value.isEmpty { text += "\n\n\(key):\n\(value)" }
        }
        return text
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case "\r": result += "&#13;"
            default:
                // XML 1.0 forbids most control characters even as references: drop them.
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func quote(_ text: String) -> String {
        "\"" + escape(text).replacingOccurrences(of: "\n", with: "&#10;") + "\""
    }
}
