import GRDB
import LedgerStore

/// `TestProjection` replayed in one pass over the journal, like ``BuildReplay``: runs, images and per-test
/// statistics are folded in memory event by event exactly as the projection's statements and
/// ``TestProjection/applyCase(_:range:in:)`` fold them, then written in key order.
struct TestReplay: EventFold {
    struct Run {
        var runID: String
        var project: String
        var image: String
        var imageID: String
        var level: String
        var instanceType: String
        var status = "running"
        var startedAt: String
        var startedS: Double
        var position: Int64
        var durationS: Payload.JSONNumber?
        var passed: Payload.JSONNumber?
        var failed: Payload.JSONNumber?
        var skipped: Payload.JSONNumber?
        var metadata: Int32
    }

    struct ImageKey: Hashable {
        var project: Int32
        var image: Int32
    }

    struct StatisticsKey: Hashable {
        var project: Int32
        var image: Int32
        var test: Int32
    }

    /// What a run's earlier attempts of one test showed.
    struct Seen {
        var test: Int32
        var pass: Bool
        var fail: Bool
    }

    var names: Interner
    var metadata = Interner()
    var runRow: [String: Int] = [:]
    var runs: [Run] = []
    var images: [ImageKey: (image: String, position: Int64)] = [:]
    var statisticsRow: [StatisticsKey: Int] = [:]
    var statistics: [(key: StatisticsKey, value: TestProjection.Statistics)] = []
    /// Per `test-` stream (by interned name), the tests its earlier case events named (a run has tens: a short
    /// array).
    var streamIDs = Interner()
    var streams: [[Seen]] = []
    /// Whether the statistics are in key order and the images listed in it (after the last event only).
    var sorted = false
    var sortedImages: [(key: ImageKey, value: (image: String, position: Int64))] = []
    /// The interned empty string.
    let empty: Int32

    init() {
        names = Interner()
        empty = names.id("")
    }

    static let types = ["TestRunStarted", "TestRunFinished", "TestCaseFinished"].map { Array($0.utf8) }
    static let keys = Payload.Keys([
        "run_id", "project", "image", "image_id", "level", "host", "status", "duration_s", "passed", "failed",
        "skipped", "name",
    ])
    static let hostKeys = Payload.Keys(["instance_type"])
    static let streamPrefix = Array("test-".utf8)

    enum F {
        static let runID = 0, project = 1, image = 2, imageID = 3, level = 4, host = 5, status = 6, durationS = 7
        static let passed = 8, failed = 9, skipped = 10, name = 11
    }

    /// Case events count only in `test-` streams.
    static func wants(type: Int, _ event: StoredEventBytes) -> Bool {
        type != 2 || (event.stream.count >= streamPrefix.count && event.stream.starts(with: streamPrefix))
    }

    mutating func apply(type: Int, _ p: Payload, _ event: StoredEventBytes) throws {
        let position = event.position
        switch type {
        case 0:  // TestRunStarted
            guard let runID = try p.string(F.runID) else { return }
            let project = try p.string(F.project) ?? ""
            let imageID = try p.string(F.imageID) ?? ""
            let image = try p.string(F.image) ?? ""
            if runRow[runID] == nil {
                runRow[runID] = runs.count
                runs.append(
                    Run(
                        runID: runID, project: project, image: image, imageID: imageID,
                        level: try p.string(F.level) ?? "",
                        instanceType: try p.nested(F.host, keys: Self.hostKeys)?.string(0) ?? "unknown",
                        startedAt: String(decoding: event.occurredAt, as: UTF8.self),
                        startedS: try SQLiteTime.seconds(event.occurredAt),
                        position: position, metadata: try metadata.id(event.metadata)))
            }
            let key = ImageKey(project: names.id(project), image: names.id(imageID))
            if images[key] == nil { images[key] = (image, position) }
        case 1:  // TestRunFinished
            guard let runID = try p.string(F.runID), let row = runRow[runID] else { return }
            runs[row].status = try p.string(F.status) ?? "failed"
            runs[row].durationS = try p.number(F.durationS)
            runs[row].passed = try p.number(F.passed)
            runs[row].failed = try p.number(F.failed)
            runs[row].skipped = try p.number(F.skipped)
        default:  // TestCaseFinished in a test- stream
            guard let name = try p.id(F.name, in: &names) else { return }
            if let runID = p.present(F.runID), runID.kind != .string {
                throw ReplayFallback(reason: "a run id that is not a string")
            }
            let status = try Self.status(p)
            let stream = try streamIDs.id(event.stream)
            if Int(stream) == streams.count { streams.append([]) }
            // Earlier attempts count by the status they stored: a missing one is neither a pass nor a failure.
            let (earlier, oldPass, oldFail) = Self.record(
                name, pass: status == .passed, fail: status == .failed || status == .error,
                in: &streams[Int(stream)])
            guard p.present(F.runID) != nil else { return }
            // This attempt itself counts a missing status as an error (`applyCase`).
            let counted = status == .missing ? .error : status
            let newPass = oldPass || counted == .passed
            let newFail = oldFail || counted == .failed || counted == .error
            let key = StatisticsKey(
                project: try p.id(F.project, in: &names) ?? empty, image: try p.id(F.imageID, in: &names) ?? empty,
                test: name)
            let row: Int
            if let existing = statisticsRow[key] {
                row = existing
            } else {
                row = statistics.count
                statisticsRow[key] = row
                statistics.append((key, TestProjection.Statistics()))
            }
            statistics[row].value.fold(
                firstAttempt: earlier == nil, newFail: newFail && !oldFail, newPass: newPass && !oldPass,
                newRetryPass: newPass && newFail && !(oldPass && oldFail),
                seconds: try SQLiteTime.seconds(event.occurredAt), position: position, status: counted.text)
        }
    }

    /// A case's stored status; the known ones are recognised from their bytes.
    enum Status {
        case missing, passed, failed, error, skipped, other

        /// The text `TestProjection.Statistics.fold` records (any other status reads as unknown there).
        var text: String {
            switch self {
            case .passed: "passed"
            case .failed: "failed"
            case .error, .missing: "error"
            case .skipped: "skipped"
            case .other: "other"
            }
        }
    }

    static let statuses: [(Status, [UInt8])] = [
        (.passed, Array("passed".utf8)), (.failed, Array("failed".utf8)), (.error, Array("error".utf8)),
        (.skipped, Array("skipped".utf8)),
    ]

    static func status(_ p: Payload) throws -> Status {
        guard let span = p.present(F.status) else { return .missing }
        guard span.kind == .string else { throw ReplayFallback(reason: "a status that is not a string") }
        for (status, text) in statuses where p.equals(F.status, text) { return status }
        return .other
    }

    /// Notes one case event of `test` in its stream's list; returns what the earlier ones showed.
    static func record(_ test: Int32, pass: Bool, fail: Bool, in seen: inout [Seen]) -> (
        earlier: Int?, pass: Bool, fail: Bool
    ) {
        guard let earlier = seen.firstIndex(where: { $0.test == test }) else {
            seen.append(Seen(test: test, pass: pass, fail: fail))
            return (nil, false, false)
        }
        let before = seen[earlier]
        seen[earlier].pass = before.pass || pass
        seen[earlier].fail = before.fail || fail
        return (earlier, before.pass, before.fail)
    }

    /// Puts images and statistics in their tables' key order (on the replay's own thread).
    mutating func sortForWrite() {
        guard !sorted else { return }
        let rank = names.ranks()
        sortedImages = images.sorted {
            (rank[Int($0.key.project)], rank[Int($0.key.image)]) < (rank[Int($1.key.project)], rank[Int($1.key.image)])
        }
        statistics.sort {
            (rank[Int($0.key.project)], rank[Int($0.key.image)], rank[Int($0.key.test)])
                < (rank[Int($1.key.project)], rank[Int($1.key.image)], rank[Int($1.key.test)])
        }
        sorted = true
    }

    mutating func write(in db: Database) throws {
        sortForWrite()
        let insertRun = try RawStatement(
            """
            INSERT INTO q_test_runs (run_id, project, image, image_id, level, instance_type, status, started_at,
                started_s, position, duration_s, passed, failed, skipped, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for run in runs {
            let s = insertRun
            s.bind(1, run.runID)
            s.bind(2, run.project)
            s.bind(3, run.image)
            s.bind(4, run.imageID)
            s.bind(5, run.level)
            s.bind(6, run.instanceType)
            s.bind(7, run.status)
            s.bind(8, run.startedAt)
            s.bind(9, run.startedS)
            s.bind(10, run.position)
            s.bind(11, run.durationS)
            s.bind(12, run.passed)
            s.bind(13, run.failed)
            s.bind(14, run.skipped)
            s.bind(15, metadata, run.metadata)
            try s.execute()
        }
        let insertImage = try RawStatement(
            "INSERT INTO q_test_images (project, image_id, image, first_position) VALUES (?, ?, ?, ?)", in: db)
        for (key, value) in sortedImages {
            insertImage.bind(1, names, key.project)
            insertImage.bind(2, names, key.image)
            insertImage.bind(3, value.image)
            insertImage.bind(4, value.position)
            try insertImage.execute()
        }
        let insertStatistics = try RawStatement(
            """
            INSERT INTO q_test_stats (project, image_id, test, runs, failures, passes, retry_passes, first_seen_s,
                last_seen_s, last_status, last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, in: db)
        for (key, value) in statistics {
            let s = insertStatistics
            s.bind(1, names, key.project)
            s.bind(2, names, key.image)
            s.bind(3, names, key.test)
            s.bind(4, Int64(value.runs))
            s.bind(5, Int64(value.failures))
            s.bind(6, Int64(value.passes))
            s.bind(7, Int64(value.retryPasses))
            s.bind(8, value.first)
            s.bind(9, value.last)
            s.bind(10, value.lastStatus)
            s.bind(11, value.lastPosition)
            try s.execute()
        }
    }
}
