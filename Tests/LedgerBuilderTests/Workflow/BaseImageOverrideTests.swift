import Foundation
import LedgerBuilder
import LedgerStore
import Testing

struct BaseImageOverrideTests {
    @Test func baseImageIsRecordedAsAFixOfItsOwn() async throws {
        let context = try await Harness.context([
            "Dockerfile": "FROM \(Harness.base)\nRUN python3 -c 'print(\"ok\")'\n"
        ])
        let store = try Harness.store()
        let tag = Harness.tag("base")
        var options = try await Harness.options(context: context, tag: tag)
        options.baseImage = "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime"
        let summary = try await Builder(store: store, options: options).run()
        defer { Task { await Harness.removeImages([tag]) } }
        #expect(summary.success)
        let fix = try #require(summary.fixes.first)
        #expect(fix.kind == "base_image")
        #expect(fix.file == "Dockerfile")
        #expect(fix.before == "FROM \(Harness.base)")
        #expect(fix.after.contains("pytorch/pytorch:2.6.0-cuda12.4-cudnn9-runtime"))
        let applied = try Harness.events(FixApplied.self, in: store, build: summary.buildId)
        #expect(applied.map(\.source) == ["override"])
        #expect(applied.first?.attempt == 1)
        // The user's Dockerfile is untouched.
        let text = try String(contentsOfFile: "\(context)/Dockerfile", encoding: .utf8)
        #expect(text.hasPrefix("FROM \(Harness.base)\n"))
    }
}
