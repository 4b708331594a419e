import Foundation
import GRDB
import LedgerQueries
import LedgerStore
import Testing

@Suite struct QueryTests {
    @Test func historyNewestFirstWithBuildsAndTests() throws {
        let journal = try Journal()
        let first = try journal.build("fsdp", attempts: [(false, 50), (true, 120)], fixBefore: [2])
        let run = try journal.testRun("fsdp", image: "sha256:\(first)", cases: [("a", ["passed"]), ("b", ["failed"])])
        let second = try journal.build("fsdp", type: "g5.2xlarge", cache: "warm")
        try journal.build("other")
        let rows = try journal.read { db in try Queries.history(project: "fsdp", filter: QueryFilter(), in: db) }
        #expect(rows.map(\.id) == [second, run, first])
        #expect(rows.map(\.kind) == ["build", "test", "build"])
        #expect(rows[2].status == "success")
        #expect(rows[2].attempts == 2)
        #expect(rows[2].fixes == 1)
        #expect(rows[2].durationS == 170)
        #expect(rows[1].passed == 1 && rows[1].failed == 1 && rows[1].status == "failed")
        #expect(rows[0].cache == "warm" && rows[0].instanceType == "g5.2xlarge")
        let names = rows[0].fields.map(\.name)
        #expect(names.starts(with: ["kind", "id", "status", "at", "duration_s", "image"]))
        #expect(names.contains("attempts") && !names.contains("passed"))
        #expect(rows[1].fields.map(\.name).contains("passed"))
        let limited = try journal.read { db in
            try Queries.history(project: "fsdp", filter: QueryFilter(limit: 1, instanceType: "c5.2xlarge"), in: db)
        }
        #expect(limited.map(\.id) == [first])
        let none = try journal.read { db in try Queries.history(project: "nope", filter: QueryFilter(), in: db) }
        #expect(none.isEmpty)
    }

    @Test func unfinishedReadsInterruptedOnlyWhenTheWriterIsGone() throws {
        let journal = try Journal()
        let dead = try Journal.deadWriterMetadata()
        let gone = try journal.build("p", finish: false, metadata: dead)
        let alive = try journal.build("p", finish: false)
        let run = try journal.testRun("p", image: "i", cases: [("a", ["passed"])], finish: false, metadata: dead)
        let rows = try journal.read { db in try Queries.history(project: "p", filter: QueryFilter(), in: db) }
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.status) })
        #expect(status[gone] == "interrupted")
        #expect(status[alive] == "running")
        #expect(status[run] == "interrupted")
        let only = try journal.read { db in
            try Queries.history(project: "p", filter: QueryFilter(status: "interrupted"), in: db)
        }
        #expect(Set(only.map(\.id)) == [gone, run])
    }

    @Test func fixOutcomes() throws {
        let journal = try Journal()
        let helped = try journal.build("p", attempts: [(false, 10), (true, 10)], fixBefore: [2])
        let failed = try journal.build("p", attempts: [(false, 10)], fixBefore: [1])
        let pending = try journal.build("p", attempts: [(true, 10)], fixBefore: [1], finish: false)
        let dead = try Journal.deadWriterMetadata()
        let interrupted = try journal.build("p", attempts: [(true, 10)], fixBefore: [1], finish: false, metadata: dead)
        let rows = try journal.read { db in try Queries.fixes(filter: QueryFilter(project: "p"), in: db) }
        let outcome = Dictionary(uniqueKeysWithValues: rows.map { ($0.buildId, $0.outcome) })
        #expect(outcome == [helped: "succeeded", failed: "failed", pending: "pending", interrupted: "interrupted"])
        #expect(rows.first?.buildId == interrupted)
        #expect(
            rows.first?.fields.map(\.name).prefix(10) == [
                "build_id", "project", "at", "rule", "kind", "file", "line", "before", "after", "outcome",
            ])
        #expect(rows.first?.rule == "numpy2-abi" && rows.first?.line == 3)
    }

    @Test func flakyExcludesSteadyTests() throws {
        let journal = try Journal()
        try journal.testRun(
            "p", image: "img1",
            cases: [
                ("across", ["passed"]), ("steady", ["passed"]), ("broken", ["failed"]),
                ("retry", ["failed", "passed"]),
            ])
        try journal.testRun(
            "p", image: "img1",
            cases: [
                ("across", ["failed"]), ("steady", ["passed"]), ("broken", ["failed", "failed"]), ("retry", ["passed"]),
            ])
        try journal.testRun("p", image: "img2", cases: [("across", ["passed"]), ("steady", ["passed"])])
        let rows = try journal.read { db in try Queries.flaky(filter: QueryFilter(), in: db) }
        #expect(Set(rows.map(\.test)) == ["across", "retry"])
        let across = try #require(rows.first { $0.test == "across" })
        #expect(across.imageId == "img1" && across.runs == 2 && across.failures == 1 && across.retryPasses == 0)
        #expect(across.flakeRate == 0.5)
        let retry = try #require(rows.first { $0.test == "retry" })
        #expect(retry.runs == 2 && retry.failures == 1 && retry.retryPasses == 1)
        #expect(retry.firstSeen <= retry.lastSeen)
    }

    @Test func testRegressionsCompareThePreviousImageWithTheLatest() throws {
        let journal = try Journal()
        try journal.testRun("p", image: "old", cases: [("a", ["passed"]), ("b", ["passed"]), ("c", ["failed"])])
        try journal.testRun("p", image: "new", cases: [("a", ["failed"]), ("b", ["passed"]), ("c", ["failed"])])
        try journal.testRun("q", image: "only", cases: [("a", ["failed"])])
        let rows = try journal.read { db in try Queries.regressions(filter: QueryFilter(), in: db) }
        #expect(rows.count == 1)
        #expect(rows.first?.kind == "test" && rows.first?.test == "a" && rows.first?.project == "p")
        #expect(rows.first?.fromImage == "p:old" && rows.first?.toImage == "p:new")
    }

    @Test func durationRegressionsNeedFiveSamplesAndTwentyPercent() throws {
        let journal = try Journal()
        // Five at 100 s, then 125 s: a regression (ratio 1.25).
        for _ in 0..<5 { try journal.build("slow", attempts: [(true, 100)]) }
        let slow = try journal.build("slow", attempts: [(true, 125)])
        // Five at 100 s, then 119 s: within 20%.
        for _ in 0..<5 { try journal.build("near", attempts: [(true, 100)]) }
        try journal.build("near", attempts: [(true, 119)])
        // Four at 100 s, then 200 s: too few samples.
        for _ in 0..<4 { try journal.build("few", attempts: [(true, 100)]) }
        try journal.build("few", attempts: [(true, 200)])
        // Another cache state of the same project and type is its own series.
        try journal.build("slow", cache: "warm", attempts: [(true, 500)])
        let rows = try journal.read { db in try Queries.regressions(filter: QueryFilter(), in: db) }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.kind == "duration" && row.project == "slow" && row.buildId == slow)
        #expect(row.medianS == 100 && row.durationS == 125 && row.cache == "cold")
        #expect(abs((row.ratio ?? 0) - 1.25) < 1e-9)
        #expect(
            row.fields.map(\.name) == [
                "kind", "project", "build_id", "instance_type", "cache", "duration_s", "median_s", "ratio",
            ])
    }

    @Test func compareGivesNullUnderThreeSamples() throws {
        let journal = try Journal()
        for seconds in [100.0, 110, 90, 105] { try journal.build("p", type: "fast", attempts: [(true, seconds)]) }
        for seconds in [200.0, 210, 190] {
            try journal.build("p", type: "slow", attempts: [(false, 5), (true, seconds)])
        }
        for seconds in [300.0, 310] { try journal.build("p", type: "few", attempts: [(true, seconds)]) }
        let rows = try journal.read { db in try Queries.compare(by: .instanceType, filter: QueryFilter(), in: db) }
        #expect(rows.map(\.group) == ["fast", "slow", "few"])
        #expect(rows.allSatisfy { $0.cache == "cold" })
        #expect(rows[0].n == 4 && rows[0].medianS == 102.5 && rows[0].minS == 90 && rows[0].maxS == 110)
        #expect(rows[0].p90S == 110)
        #expect(rows[0].vsFastest == RatioInterval(ratio: 1, low: 1, high: 1))
        // Successful attempts only: the failed 5 s attempts are not counted.
        #expect(rows[1].n == 3 && rows[1].minS == 190)
        let ratio = try #require(rows[1].vsFastest)
        #expect(abs(ratio.ratio - 200 / 102.5) < 1e-9)
        #expect(ratio.low <= ratio.ratio && ratio.ratio <= ratio.high && ratio.low > 1)
        #expect(rows[2].vsFastest == nil)
        #expect(rows[2].fields.first { $0.name == "vs_fastest" }?.value == .null)
        // The same data gives the same interval (fixed seed).
        let again = try journal.read { db in try Queries.compare(by: .instanceType, filter: QueryFilter(), in: db) }
        #expect(again == rows)
        let byEngine = try journal.read { db in try Queries.compare(by: .engine, filter: QueryFilter(), in: db) }
        #expect(byEngine.map(\.group) == ["24.0.7"] && byEngine.first?.n == 9)
        #expect(byEngine.first?.fields.first?.name == "engine")
    }

    @Test func statusPerProject() throws {
        let journal = try Journal()
        let good = try journal.build("p")
        try journal.testRun("p", image: "sha256:\(good)", cases: [("a", ["failed", "passed"])])
        try journal.build("p", attempts: [(false, 10)])
        let rows = try journal.read { db in try Queries.status(filter: QueryFilter(), in: db) }
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.project == "p" && row.imageId == "sha256:\(good)" && row.lastBuildStatus == "failed")
        #expect(row.lastTestStatus == "passed" && row.flaky == 1 && row.regressions == 0)
        #expect(
            row.fields.map(\.name) == [
                "project", "image", "image_id", "last_build_status", "last_build_at", "last_test_status",
                "last_test_at",
                "regressions", "flaky",
            ])
    }

    @Test func diffShowsInputsThenSteps() throws {
        let journal = try Journal()
        let a = try journal.build("p", attempts: [(true, 100)], dockerfile: "FROM a\nRUN x\n")
        let b = try journal.build("p", attempts: [(true, 60)], dockerfile: "FROM b\nRUN x\n")
        let rows = try journal.read { db in try Queries.diff(a, String(b.prefix(8)), in: db) }
        #expect(rows.first?.section == "dockerfile")
        #expect(rows.contains { $0.section == "dockerfile" && $0.change == "removed" && $0.a == "FROM a" })
        #expect(rows.contains { $0.section == "dockerfile" && $0.change == "added" && $0.b == "FROM b" })
        let steps = rows.filter { $0.section == "step" }
        #expect(steps.count == 2 && steps[0].aS == 50 && steps[0].bS == 30)
        #expect(rows.last?.section == "step")
        #expect(throws: UnknownBuild.self) { try journal.read { db in try Queries.diff(a, "zzz", in: db) } }
    }

    @Test func bootstrapIsReproducibleAndBracketsTheRatio() {
        let a = (0..<200).map { 200 + Double($0 % 17) }.sorted()
        let b = (0..<150).map { 100 + Double($0 % 13) }.sorted()
        let one = Statistics.ratioInterval(a, b)
        #expect(one == Statistics.ratioInterval(a, b))
        let ratio = Statistics.median(a) / Statistics.median(b)
        #expect(one.low <= ratio && ratio <= one.high)
        #expect(one.high - one.low < 0.2)
    }
}
