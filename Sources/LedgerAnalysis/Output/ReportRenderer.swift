import Foundation

/// Renders findings as text, JSON or SARIF 2.1.0 (the CLI writes what this returns).
public enum ReportRenderer {
    /// `file:line: severity: message [rule]`, one finding a line, with an indented fix line when there is one.
    public static func text(_ findings: [Finding]) -> String {
        var out = ""
        for finding in findings {
            let location = finding.line.map { "\(finding.file):\($0)" } ?? finding.file
            out += "\(location): \(finding.severity.rawValue): \(finding.message) [\(finding.rule)]\n"
            if let fix = finding.fix {
                out +=
                    "    fix (\(fix.kind.rawValue)): \(fix.file):\(fix.line.map(String.init) ?? "?"): "
                    + "\(fix.after.trimmingSpaces)\n"
            }
        }
        return out
    }

    /// SARIF 2.1.0: one run, the tool's rules, a result per finding with its location and fix.
    public static func sarif(_ findings: [Finding], toolVersion: String) throws -> Data {
        let rules: [[String: Any]] = RuleCatalog.all.map { rule in
            [
                "id": rule.id,
                "name": rule.id,
                "shortDescription": ["text": rule.summary],
                "fullDescription": ["text": "\(rule.summary) Fix: \(rule.fix). Source: \(rule.source.citation)."],
                "defaultConfiguration": ["level": level(rule.severity)],
                "properties": ["source": rule.source.citation, "fix": rule.fix],
            ]
        }
        let indexes = Dictionary(uniqueKeysWithValues: RuleCatalog.all.enumerated().map { ($0.element.id, $0.offset) })
        let results: [[String: Any]] = findings.map { finding in
            var physical: [String: Any] = ["artifactLocation": ["uri": finding.file, "uriBaseId": "%SRCROOT%"]]
            if let line = finding.line, line >= 1 { physical["region"] = ["startLine": line] }
            var result: [String: Any] = [
                "ruleId": finding.rule,
                "level": level(finding.severity),
                "message": ["text": finding.message],
                "locations": [["physicalLocation": physical]],
            ]
            if let index = indexes[finding.rule] { result["ruleIndex"] = index }
            if let fix = finding.fix, let line = fix.line, line >= 1 {
                result["fixes"] = [
                    [
                        "description": ["text": "\(fix.kind.rawValue): \(fix.after.trimmingSpaces)"],
                        "artifactChanges": [
                            [
                                "artifactLocation": ["uri": fix.file, "uriBaseId": "%SRCROOT%"],
                                "replacements": [
                                    [
                                        "deletedRegion": [
                                            "startLine": line, "startColumn": 1, "endLine": line,
                                            "endColumn": fix.before.utf16.count + 1,
                                        ],
                                        "insertedContent": ["text": fix.after],
                                    ]
                                ],
                            ]
                        ],
                    ]
                ]
            }
            return result
        }
        let document: [String: Any] = [
            "version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "ledger", "version": toolVersion,
                            "rules": rules,
                        ]
                    ],
                    "originalUriBaseIds": ["%SRCROOT%": ["description": ["text": "The build context."]]],
                    "results": results,
                ]
            ],
        ]
        return try JSONSerialization.data(
            withJSONObject: document,
            options: [
                .prettyPrinted, .sortedKeys,
                .withoutEscapingSlashes,
            ])
    }

    /// SARIF levels: `error`, `warning`, `note`.
    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }
}
