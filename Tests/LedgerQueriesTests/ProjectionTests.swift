import Foundation
import GRDB
import LedgerQueries
import LedgerStore
import Testing

@Suite struct ProjectionTests {
    /// Per-stream event lists for a randomized journal: builds with retries, fixes and unfinished attempts,
    /// test runs with retries, and events of a type no projection knows.
    static func randomStreams(seed: UInt64, builds: Int, runs: Int) throws -> [[NewEvent]] {
        var random = SplitMix64(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let projects = ["fsdp", "vision", "asr"]
        let types = ["c5.2xlarge", "c5.4xlarge", "g5.2xlarge", "m6i.4xlarge"]
        var streams: [[NewEvent]] = []
        var images: [String] = []
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for b in 0..<builds {
            let id = "b\(b)-\(random.next() % 1000)"
            let project = pick(projects)
            var t = start.addingTimeInterval(Double(random.next() % 100_000))
            var events: [NewEvent] = []
            func add<T: DomainEvent>(_ event: T) throws {
                t.addTimeInterval(Double(random.next() % 300) / 7)
                events.append(try NewEvent(event, stream: "build-\(id)", occurredAt: t))
            }
            try add(
                BuildStarted(
                    project: project, buildId: id, image: "\(project):\(b)", context: "/c", dockerfile: "Dockerfile",
                    dockerfileText: "FROM x\nRUN \(b)\n", baseImage: "x", buildArgs: ["N": "\(b)"], secretBuildArgs: [],
                    pins: [:], maxAttempts: 3, autoFix: true, network: nil,
                    host: HostFacts(
                        hostname: "h", instanceType: pick(types), instanceTypeSource: "flag", cpuModel: "c",
                        cpuCount: 2, memoryBytes: 1, engineVersion: pick(["24.0.7", "20.10.24"]))))
            let attempts = 1 + Int(random.next() % 3)
            var success = false
            for number in 1...attempts {
                if random.next() % 3 == 0 {
                    try add(
                        FixApplied(
                            project: project, buildId: id, attempt: number, source: "log",
                            fix: StoredFix(
                                rule: "r\(number)", kind: "pin", file: "f", line: number, before: "a", after: "b",
                                diff: "")))
                }
                try add(BuildAttemptStarted(project: project, buildId: id, number: number, logId: "l\(b)-\(number)"))
                for index in 1...(1 + Int(random.next() % 4)) {
                    try add(
                        BuildStepFinished(
                            project: project, buildId: id, attempt: number, index: index, total: nil,
                            instruction: "RUN \(index)",
                            durationS: Double(random.next() % 1_000_000_007) / 7_777.7, cached: random.next() % 2 == 0))
                }
                if random.next() % 10 == 0 { break }  // unfinished attempt
                success = number == attempts && random.next() % 4 != 0
                try add(
                    BuildAttemptFinished(
                        project: project, buildId: id, number: number, success: success,
                        status: success ? "success" : "failed",
                        durationS: Double(random.next() % 5_000_000_011) / 9_999.9, logId: "l\(b)-\(number)",
                        failureClass: success ? nil : "network", failureMessage: nil,
                        cache: random.next() % 2 == 0 ? "cold" : "warm", imageId: success ? "sha256:\(b)" : nil,
                        stepCount: 1, cachedSteps: 0))
                if number == attempts {
                    try add(
                        BuildFinished(
                            project: project, buildId: id, success: success, status: success ? "success" : "failed",
                            image: "\(project):\(b)", imageId: success ? "sha256:\(b)" : nil, durationS: 1,
                            attempts: attempts))
                }
            }
            if success { images.append("\(project)|sha256:\(b)") }
            events.append(NewEvent(stream: "build-\(id)", type: "SomeoneElsesEvent", data: "{\"project\":\"x\"}"))
            streams.append(events)
        }
        for r in 0..<runs where !images.isEmpty {
            let parts = pick(images).split(separator: "|").map(String.init)
            let (project, image) = (parts[0], parts[1])
            let id = "r\(r)"
            var t = start.addingTimeInterval(Double(random.next() % 100_000))
            var events: [NewEvent] = []
            func add<T: DomainEvent>(_ event: T) throws {
                t.addTimeInterval(Double(random.next() % 100) / 3)
                events.append(try NewEvent(event, stream: "test-\(id)", occurredAt: t))
            }
            try add(
                TestRunStarted(
                    project: project, runId: id, image: project, imageId: image, level: "quick",
                    host: HostFacts(
                        hostname: "h", instanceType: "g5", instanceTypeSource: "flag", cpuModel: "c", cpuCount: 1,
                        memoryBytes: 1)))
            for name in ["a", "b", "c", "d"] {
                for attempt in 1...(1 + Int(random.next() % 2)) {
                    try add(
                        TestCaseFinished(
                            project: project, runId: id, imageId: image, name: name,
                            status: pick(["passed", "passed", "failed", "error", "skipped"]), durationS: 1, message: "",
                            attempt: attempt))
                }
            }
            if random.next() % 8 != 0 {
                try add(
                    TestRunFinished(
                        project: project, runId: id, image: project, imageId: image, status: "passed", passed: 1,
                        failed: 0,
                        skipped: 0, durationS: 2))
            }
            streams.append(events)
        }
        return streams
    }

    @Test(arguments: [UInt64(1), 7, 2026])
    func rebuildEqualsIncremental(seed: UInt64) throws {
        let journal = try Journal()
        var streams = try Self.randomStreams(seed: seed, builds: 60, runs: 40)
        var random = SplitMix64(seed: seed ^ 0xFF)
        // Interleave the streams as concurrent writers would, in batches of 1 to 4 events, some appended twice.
        var batch: [NewEvent] = []
        while !streams.isEmpty {
            let i = Int(random.next() % UInt64(streams.count))
            batch.append(streams[i].removeFirst())
            if streams[i].isEmpty { streams.remove(at: i) }
            if batch.count >= 1 + Int(random.next() % 4) {
                try journal.store.append(batch)
                if random.next() % 10 == 0 { try journal.store.append(batch) }
                batch.removeAll()
            }
        }
        try journal.store.append(batch)
        let incremental = try journal.dumpProjections()
        #expect((incremental["q_builds"]?.count ?? 0) == 60)
        #expect((incremental["q_test_stats"]?.count ?? 0) > 0)
        let replayed = try journal.store.rebuildProjections()
        #expect(replayed == (try journal.store.lastPosition()))
        let rebuilt = try journal.dumpProjections()
        for table in Projections.tables {
            #expect(incremental[table] == rebuilt[table], "table \(table) differs after rebuild")
        }
    }

    @Test func unknownTypesAndBadPayloadsAreIgnored() throws {
        let journal = try Journal()
        try journal.store.append([
            NewEvent(stream: "x-1", type: "Mystery", data: "{}"),
            NewEvent(stream: "build-1", type: "BuildStarted", data: "not json"),
            NewEvent(stream: "build-2", type: "BuildStarted", data: "{\"project\":\"p\"}"),
        ])
        #expect(try journal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM q_builds") } == 0)
        try journal.build("p")
        #expect(try journal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM q_builds") } == 1)
    }

    @Test func checkpointsFollowTheJournal() throws {
        let journal = try Journal()
        try journal.build("p")
        let last = try journal.store.lastPosition()
        let checkpoints = try journal.read { db in
            try Int64.fetchAll(db, sql: "SELECT position FROM projection_checkpoints WHERE name LIKE 'queries.%'")
        }
        #expect(checkpoints == [last, last])
    }
}
