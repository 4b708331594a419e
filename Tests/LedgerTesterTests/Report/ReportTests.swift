import Foundation
import Testing

@testable import LedgerTester

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("JSON and JUnit reports")
struct ReportTests {
    static let report = TestReport(
        image: "fsdp:abc", imageId: "sha256:0123", level: "standard", runId: "r-1", project: "fsdp", status: "failed",
        passed: 1, failed: 2, skipped: 1, durationS: 3.5, startedAt: "2026-11-25T09:00:00Z",
        tests: [
            TestCaseResult(
                name: "imports.numpy", status: "passed", durationS: 0.1, message: "numpy 1.24.2", attempts: 1),
            TestCaseResult(name: "test.flaky", status: "passed", durationS: 0.3, message: "ok", attempts: 2),
            TestCaseResult(
                name: "imports.torch", status: "failed", durationS: 0.2, message: "No module named 'torch' <&>",
                attempts: 1, details: .object(["traceback": .string("Traceback\u{1}\n  line")])),
            TestCaseResult(
                name: "test.hang", status: "error", durationS: 2, message: "timed out after 2s", attempts: 1),
            TestCaseResult(name: "cuda.available", status: "skipped", durationS: 0, message: "no GPU", attempts: 1),
        ],
        recommendations: [])

    @Test("JUnit XML is well formed with a testcase per test, failures, errors and skips")
    func junit() throws {
        let xml = JUnitReport.xml(Self.report)
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 5)
        #expect(xml.contains(#"tests="5" failures="1" errors="1" skipped="1""#))
        #expect(
            xml.contains(#"<failure message="No module named &apos;torch&apos; &lt;&amp;&gt;""#)
                || xml.contains(#"<failure message="No module named 'torch' &lt;&amp;&gt;""#))
        #expect(xml.contains(#"<error message="timed out after 2s""#))
        #expect(xml.contains(#"<skipped message="no GPU"/>"#))
        #expect(xml.contains("passed on attempt 2"))
        #expect(xml.contains(#"classname="ledger.imports" name="imports.torch" time="0.200""#))
        #expect(xml.contains(#"<property name="image_id" value="sha256:0123"/>"#))
    }

    @Test("files are written with mode 0600; the JSON follows the contract")
    func files() throws {
        let folder = try Fixtures.temporaryDirectory()
        let path = try Self.report.write(toDirectory: folder + "/reports")
        #expect((path as NSString).lastPathComponent.hasPrefix("test-report-"))
        let junit = folder + "/junit.xml"
        try JUnitReport.write(Self.report, to: junit)
        for file in [path, junit] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        let object = try #require(
            try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        for key in [
            "image", "image_id", "level", "run_id", "project", "passed", "failed", "skipped", "duration_s",
            "tests", "recommendations",
        ] {
            #expect(object[key] != nil, "\(key)")
        }
        let tests = try #require(object["tests"] as? [[String: Any]])
        #expect(Set(tests[0].keys) == ["name", "status", "duration_s", "message", "attempts"])
    }

    @Test("recommendations: OOM suggests a smaller dtype; CUDA missing on a GPU machine points at the runtime")
    func recommendations() {
        let tests = [
            TestCaseResult(
                name: "model.forward", status: "failed", durationS: 1,
                message: "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB", attempts: 1),
            TestCaseResult(
                name: "cuda.available", status: "failed", durationS: 1,
                message: "CUDA is not available although GPUs were passed to the container", attempts: 1,
                details: .object(["torch_cuda": .string("12.4")])),
            TestCaseResult(
                name: "imports.torchvision", status: "failed", durationS: 1,
                message: "RuntimeError: operator torchvision::nms does not exist", attempts: 1),
            TestCaseResult(
                name: "environment.versions", status: "passed", durationS: 0, message: "", attempts: 1,
                details: .object(["torch": .string("2.5.1")])),
        ]
        let advice = Recommender.recommendations(for: tests, timeout: 60)
        let oom = advice.first { $0.test == "model.forward" }
        #expect(oom?.codeExample.contains("torch.bfloat16") == true)
        let cuda = advice.first { $0.test == "cuda.available" }
        #expect(cuda?.severity == "critical")
        #expect(cuda?.recommendation.contains("NVIDIA container runtime") == true)
        #expect(cuda?.issue.contains("CUDA is not available on a GPU machine") == true)
        let vision = advice.first { $0.test == "imports.torchvision" }
        #expect(vision?.recommendation.contains("torchvision==0.20.1") == true)
        #expect(advice.allSatisfy { ["critical", "high", "medium", "low"].contains($0.severity) })
    }
}
