import GRDB
import LedgerStore

/// Test runs, per-image test statistics and the images each project tested (`q_test_runs`, `q_test_stats`,
/// `q_test_images`), from `test-<id>` streams.
///
/// A test's statistics count runs: a run in which an attempt failed counts once in `failures`, one in which an
/// attempt passed once in `passes`, one with both once in `retry_passes`.
public struct TestProjection: Projection {
    /// Creates the projection.
    public init() {}

    /// The checkpoint key.
    public let name = "queries.tests"

    /// The tables it owns.
    public let tables = ["q_test_runs", "q_test_stats", "q_test_images"]

    /// Applies one event (unknown types are ignored).
    public func apply(_ event: RecordedEvent, in db: Database) throws {
        let range: StatementArguments = [event.position - 1, event.position]
        switch event.type {
        case "TestRunStarted":
            try EventFields.execute(Self.runStarted, range, in: db)
            try EventFields.execute(Self.imageSeen, range, in: db)
        case "TestRunFinished":
            try EventFields.execute(Self.runFinished, range, in: db)
        case "TestCaseFinished" where event.stream.hasPrefix("test-"):
            try applyCase(event, range: range, in: db)
        default:
            return
        }
    }

    /// Adds one case attempt to its image's statistics: what it changes about its run (a first attempt, a
    /// first failure, a first pass) is read from the run's earlier attempts of the same test in the journal.
    func applyCase(_ event: RecordedEvent, range: StatementArguments, in db: Database) throws {
        guard
            let row = try EventFields.fetch(
                ["$.run_id", "$.name", "$.project", "$.image_id", "$.status"], of: event, in: db),
            (row[0] as String?) != nil, let test: String = row[1]
        else { return }
        let project: String = row[2] ?? ""
        let image: String = row[3] ?? ""
        let status: String = row[4] ?? "error"
        let earlier = try db.cachedStatement(
            sql: """
                SELECT count(*), coalesce(max(e.data ->> '$.status' = 'passed'), 0),
                    coalesce(max(e.data ->> '$.status' IN ('failed', 'error')), 0)
                FROM events e WHERE e.stream = ? AND +e.position < ? AND +e.type = 'TestCaseFinished'
                    AND json_valid(e.data) AND e.data ->> '$.name' = ?
                """)
        guard let old = try Row.fetchOne(earlier, arguments: [event.stream, event.position, test]) else { return }
        let seen = (old[0] as Int) > 0
        let oldPass: Bool = old[1]
        let oldFail: Bool = old[2]
        let newPass = oldPass || status == "passed"
        let newFail = oldFail || status == "failed" || status == "error"
        func delta(_ now: Bool, _ before: Bool) -> Int { now && !before ? 1 : 0 }
        let seconds = try EventFields.seconds(event.occurredAt, in: db)
        try EventFields.execute(
            Self.statsDelta,
            [
                project, image, test, seen ? 0 : 1, delta(newFail, oldFail), delta(newPass, oldPass),
                delta(newPass && newFail, oldPass && oldFail), seconds, seconds,
                Self.knownStatuses.contains(status) ? status : "unknown", event.position,
            ], in: db)
    }

    static let knownStatuses: Set<String> = ["passed", "failed", "error", "skipped"]

    /// The one-pass replay (``TestReplay``) `ledger rebuild` uses.
    public func makeReplay(in db: Database) throws -> (any ProjectionReplay)? { ReplayDriver<TestReplay>() }

    /// Replays the journal up to `upTo`: runs set-based window by window, statistics in one pass over the case
    /// events (when the one-pass replay falls back).
    public func replayAll(upTo: Int64, in db: Database) throws -> Bool {
        try EventFields.inWindows(upTo: upTo) { low, high in try replayWindow(low, high, in: db) }
        try Self.replayStatistics(upTo: upTo, in: db)
        return true
    }

    /// Applies the run events in `(low, high]` set-based (the statistics are replayed apart).
    func replayWindow(_ low: Int64, _ high: Int64, in db: Database) throws {
        for sql in [Self.runStarted, Self.imageSeen, Self.runFinished] {
            try EventFields.execute(sql, [low, high], in: db)
        }
    }

    struct StatisticsKey: Hashable {
        var project: String
        var image: String
        var test: String
    }

    struct Statistics {
        var runs = 0
        var failures = 0
        var passes = 0
        var retryPasses = 0
        var first = Double.infinity
        var last = -Double.infinity
        var lastStatus = ""
        var lastPosition: Int64 = 0

        /// Adds one case attempt.
        mutating func fold(
            firstAttempt: Bool, newFail: Bool, newPass: Bool, newRetryPass: Bool, seconds: Double, position: Int64,
            status: String
        ) {
            if firstAttempt { runs += 1 }
            if newFail { failures += 1 }
            if newPass { passes += 1 }
            if newRetryPass { retryPasses += 1 }
            first = min(first, seconds)
            last = max(last, seconds)
            if position > lastPosition {
                lastPosition = position
                lastStatus = TestProjection.knownStatuses.contains(status) ? status : "unknown"
            }
        }
    }

    /// The statistics from every case attempt in one pass over the `test-` streams in stream order: the same
    /// folding as ``applyCase(_:range:in:)``, with only the current run's tests in memory. Counts add up, first
    /// and last seen are a min and a max and the latest status goes with the highest position, so the order of
    /// the streams does not change the result.
    static func replayStatistics(upTo: Int64, in db: Database) throws {
        var statistics: [StatisticsKey: Statistics] = [:]
        var stream = ""
        // The current run's tests (a run has tens): a short array beats hashing each name twice.
        var tests: [(name: String, pass: Bool, fail: Bool)] = []
        // The UNIQUE (stream, stream_version) constraint of migration 0001 is SQLite's automatic index
        // `sqlite_autoindex_events_2`; it hands each stream's events over together and in order.
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT e.stream, e.position, \(seconds), e.data ->> '$.run_id', e.data ->> '$.name',
                    e.data ->> '$.project', e.data ->> '$.image_id', e.data ->> '$.status'
                FROM events e INDEXED BY sqlite_autoindex_events_2
                WHERE e.stream >= 'test-' AND e.stream < 'test.' AND +e.type = 'TestCaseFinished'
                    AND +e.position <= ? AND json_valid(e.data)
                ORDER BY e.stream, e.stream_version
                """, arguments: [upTo])
        while let row = try cursor.next() {
            guard !row.hasNull(atIndex: 3), let test: String = row[4] else { continue }
            let rowStream: String = row[0]
            if rowStream != stream {
                stream = rowStream
                tests.removeAll(keepingCapacity: true)
            }
            let status: String = row[7] ?? "error"
            let index = tests.firstIndex { $0.name == test }
            let oldPass = index.map { tests[$0].pass } ?? false
            let oldFail = index.map { tests[$0].fail } ?? false
            let newPass = oldPass || status == "passed"
            let newFail = oldFail || status == "failed" || status == "error"
            if let index {
                tests[index] = (test, newPass, newFail)
            } else {
                tests.append((test, newPass, newFail))
            }
            let seconds: Double = row[2]
            let position: Int64 = row[1]
            let key = StatisticsKey(project: row[5] ?? "", image: row[6] ?? "", test: test)
            statistics[key, default: Statistics()].fold(
                firstAttempt: index == nil, newFail: newFail && !oldFail, newPass: newPass && !oldPass,
                newRetryPass: newPass && newFail && !(oldPass && oldFail), seconds: seconds, position: position,
                status: status)
        }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO q_test_stats (project, image_id, test, runs, failures, passes, retry_passes, first_seen_s,
                    last_seen_s, last_status, last_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        // In key order, so the rows append to the table's b-tree instead of landing at random.
        let sorted = statistics.sorted {
            ($0.key.project, $0.key.image, $0.key.test) < ($1.key.project, $1.key.image, $1.key.test)
        }
        for (key, value) in sorted {
            try insert.execute(arguments: [
                key.project, key.image, key.test, value.runs, value.failures, value.passes, value.retryPasses,
                value.first, value.last, value.lastStatus, value.lastPosition,
            ])
        }
    }

    static func range(_ type: String) -> String {
        "e.type = '\(type)' AND e.position > ?1 AND e.position <= ?2 AND json_valid(e.data)"
    }

    static let seconds = "coalesce((julianday(e.occurred_at) - 2440587.5) * 86400.0, 0)"

    static let runStarted = """
        INSERT OR IGNORE INTO q_test_runs (run_id, project, image, image_id, level, instance_type, status,
            started_at, started_s, position, duration_s, passed, failed, skipped, metadata)
        SELECT e.data ->> '$.run_id', coalesce(e.data ->> '$.project', ''), coalesce(e.data ->> '$.image', ''),
            coalesce(e.data ->> '$.image_id', ''), coalesce(e.data ->> '$.level', ''),
            coalesce(e.data ->> '$.host.instance_type', 'unknown'), 'running', e.occurred_at, \(seconds),
            e.position, NULL, NULL, NULL, NULL, e.metadata
        FROM events e WHERE \(range("TestRunStarted")) AND e.data ->> '$.run_id' IS NOT NULL
        ORDER BY e.position
        """

    static let imageSeen = """
        INSERT OR IGNORE INTO q_test_images (project, image_id, image, first_position)
        SELECT coalesce(e.data ->> '$.project', ''), coalesce(e.data ->> '$.image_id', ''),
            coalesce(e.data ->> '$.image', ''), e.position
        FROM events e WHERE \(range("TestRunStarted")) AND e.data ->> '$.run_id' IS NOT NULL
        ORDER BY e.position
        """

    static let runFinished = """
        UPDATE q_test_runs SET status = f.status, duration_s = f.duration_s, passed = f.passed, failed = f.failed,
            skipped = f.skipped
        FROM (SELECT e.data ->> '$.run_id' AS run_id, max(e.position) AS last,
                  coalesce(e.data ->> '$.status', 'failed') AS status, e.data ->> '$.duration_s' AS duration_s,
                  e.data ->> '$.passed' AS passed, e.data ->> '$.failed' AS failed,
                  e.data ->> '$.skipped' AS skipped
              FROM events e WHERE \(range("TestRunFinished")) GROUP BY 1) AS f
        WHERE q_test_runs.run_id = f.run_id
        """

    static let statsDelta = """
        INSERT INTO q_test_stats (project, image_id, test, runs, failures, passes, retry_passes, first_seen_s,
            last_seen_s, last_status, last_position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (project, image_id, test) DO UPDATE SET runs = runs + excluded.runs,
            failures = failures + excluded.failures, passes = passes + excluded.passes,
            retry_passes = retry_passes + excluded.retry_passes,
            first_seen_s = min(first_seen_s, excluded.first_seen_s),
            last_seen_s = max(last_seen_s, excluded.last_seen_s),
            last_status = CASE WHEN excluded.last_position > last_position THEN excluded.last_status
                ELSE last_status END,
            last_position = max(last_position, excluded.last_position)
        """
}
