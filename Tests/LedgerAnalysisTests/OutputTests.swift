import Foundation
import Testing

@testable import LedgerAnalysis

@Suite struct OutputTests {
    static let findings = [
        Finding(
            rule: RuleID.visionPair, severity: .error, message: "torchvision 0.21.0 needs torch==2.6.0",
            file: "requirements.txt", line: 2,
            fix: Fix(
                rule: RuleID.visionPair, kind: .pin, file: "requirements.txt", line: 2,
                before: "torchvision==0.21.0", after: "torchvision==0.20.1")),
        Finding(rule: RuleID.floatingTag, severity: .warning, message: "`python` floats", file: "Dockerfile", line: 1),
        Finding(rule: RuleID.requirementsMissing, severity: .info, message: "no line", file: "Dockerfile", line: nil),
    ]

    @Test func sarifHasWhat210Requires() throws {
        let data = try ReportRenderer.sarif(Self.findings, toolVersion: "0.1.0")
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(root["version"] as? String == "2.1.0")
        #expect((root["$schema"] as? String)?.contains("sarif-2.1.0") == true)
        let runs = try #require(root["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "ledger")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == RuleCatalog.all.map(\.id))
        #expect(rules.allSatisfy { ($0["shortDescription"] as? [String: Any])?["text"] is String })
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 3)
        #expect(results.map { $0["ruleId"] as? String } == Self.findings.map(\.rule))
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "note"])
        for (result, finding) in zip(results, Self.findings) {
            #expect((result["message"] as? [String: Any])?["text"] as? String == finding.message)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == finding.rule)
            let location = try #require(
                (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == finding.file)
            let region = location["region"] as? [String: Any]
            #expect(region?["startLine"] as? Int == finding.line)
        }
        let fix = try #require((results[0]["fixes"] as? [[String: Any]])?.first)
        let change = try #require((fix["artifactChanges"] as? [[String: Any]])?.first)
        let replacement = try #require((change["replacements"] as? [[String: Any]])?.first)
        #expect((replacement["insertedContent"] as? [String: Any])?["text"] as? String == "torchvision==0.20.1")
    }

    @Test func textFormat() {
        let text = ReportRenderer.text(Array(Self.findings.prefix(2)))
        #expect(
            text == """
                requirements.txt:2: error: torchvision 0.21.0 needs torch==2.6.0 [pair.torchvision]
                    fix (pin): requirements.txt:2: torchvision==0.20.1
                Dockerfile:1: warning: `python` floats [image.floating-tag]

                """)
    }

    @Test func jsonFindingShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(Array(Self.findings.suffix(2))), as: UTF8.self)
        #expect(
            json
                == #"[{"file":"Dockerfile","line":1,"message":"`python` floats","rule":"image.floating-tag","#
                + #""severity":"warning"},"#
                + #"{"file":"Dockerfile","line":null,"message":"no line","rule":"input.requirements-missing","#
                + #""severity":"info"}]"#
        )
        let fix = String(decoding: try encoder.encode(Self.findings[0].fix), as: UTF8.self)
        #expect(
            fix
                == #"{"after":"torchvision==0.20.1","before":"torchvision==0.21.0","file":"requirements.txt","#
                + #""kind":"pin","#
                + #""line":2,"rule":"pair.torchvision"}"#
        )
    }

    @Test func diffOfAFix() throws {
        let fix = try #require(Self.findings[0].fix)
        #expect(
            UnifiedDiff.diff(of: fix) == """
                --- a/requirements.txt
                +++ b/requirements.txt
                @@ -2,1 +2,1 @@
                -torchvision==0.21.0
                +torchvision==0.20.1

                """)
        let old = (1...10).map { "line \($0)" }
        var new = old
        new[4] = "changed"
        #expect(
            UnifiedDiff.diff(old: old, new: new, path: "f").hasPrefix("--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 2\n"))
    }
}

@Suite struct DocumentationTests {
    @Test func everyRuleIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/analyzer.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for rule in RuleCatalog.all {
            #expect(text.contains("| `\(rule.id)` | \(rule.severity.rawValue)"), "\(rule.id) is missing from the table")
        }
    }
}
