import GRDB
import LedgerStore

/// Test runs, per-run test cases, per-image test statistics and the images each project tested
/// (`q_test_runs`, `q_test_cases`, `q_test_stats`, `q_test_images`), from `test-<id>` streams.
public struct TestProjection: Projection {
    /// Creates the projection.
    public init() {}

    /// The checkpoint key.
    public let name = "queries.tests"

    /// The tables it owns.
    public let tables = ["q_test_runs", "q_test_cases", "q_test_stats", "q_test_images"]

    /// Applies one event (unknown types are ignored).
    public func apply(_ event: RecordedEvent, in db: Database) throws {
        let range: StatementArguments = [event.position - 1, event.position]
        switch event.type {
        case "TestRunStarted":
            try EventFields.execute(Self.runStarted, range, in: db)
            try EventFields.execute(Self.imageSeen, range, in: db)
        case "TestRunFinished":
            try EventFields.execute(Self.runFinished, range, in: db)
        case "TestCaseFinished":
            try applyCase(event, range: range, in: db)
        default:
            return
        }
    }

    /// Folds one case attempt into its run's case row, then adds what changed to the image's statistics.
    func applyCase(_ event: RecordedEvent, range: StatementArguments, in db: Database) throws {
        guard let key = try EventFields.fetch(["$.run_id", "$.name"], of: event, in: db),
            let run: String = key[0], let test: String = key[1]
        else { return }
        let lookup = try db.cachedStatement(
            sql: """
                SELECT project, image_id, any_pass, any_fail, first_s, last_s, last_status, last_position
                FROM q_test_cases WHERE run_id = ? AND test = ?
                """)
        let old = try Row.fetchOne(lookup, arguments: [run, test])
        try EventFields.execute(Self.caseFinished, range, in: db)
        guard let new = try Row.fetchOne(lookup, arguments: [run, test]) else { return }
        let oldPass: Bool = old?["any_pass"] ?? false
        let oldFail: Bool = old?["any_fail"] ?? false
        let newPass: Bool = new["any_pass"]
        let newFail: Bool = new["any_fail"]
        func delta(_ now: Bool, _ before: Bool) -> Int { now && !before ? 1 : 0 }
        try EventFields.execute(
            Self.statsDelta,
            [
                new["project"], new["image_id"], test, old == nil ? 1 : 0, delta(newFail, oldFail),
                delta(newPass, oldPass), delta(newPass && newFail, oldPass && oldFail), new["first_s"],
                new["last_s"], new["last_status"], new["last_position"],
            ], in: db)
    }

    /// Replays the journal up to `upTo` set-based; the statistics are then grouped from the cases.
    public func replayAll(upTo: Int64, in db: Database) throws -> Bool {
        for sql in [Self.runStarted, Self.imageSeen, Self.caseFinished, Self.runFinished] {
            try EventFields.execute(sql, [0, upTo], in: db)
        }
        try db.execute(sql: Self.statsFromCases)
        return true
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

    /// `last_status` rides on the highest position: `max(printf('%015d', position) || status)`.
    static let caseFinished = """
        INSERT INTO q_test_cases (run_id, test, project, image_id, attempts, any_pass, any_fail, first_s, last_s,
            last_status, last_position)
        SELECT run_id, test, min(project), min(image_id), count(*), max(status = 'passed'),
            max(status IN ('failed', 'error')), min(s), max(s), substr(max(printf('%015d', position) || status), 16),
            max(position)
        FROM (SELECT e.data ->> '$.run_id' AS run_id, e.data ->> '$.name' AS test,
                  coalesce(e.data ->> '$.project', '') AS project, coalesce(e.data ->> '$.image_id', '') AS image_id,
                  coalesce(e.data ->> '$.status', 'error') AS status, \(seconds) AS s, e.position AS position
              FROM events e WHERE \(range("TestCaseFinished")) AND e.data ->> '$.run_id' IS NOT NULL
                  AND e.data ->> '$.name' IS NOT NULL)
        WHERE true GROUP BY run_id, test
        ON CONFLICT (run_id, test) DO UPDATE SET attempts = attempts + excluded.attempts,
            any_pass = max(any_pass, excluded.any_pass), any_fail = max(any_fail, excluded.any_fail),
            first_s = min(first_s, excluded.first_s), last_s = max(last_s, excluded.last_s),
            last_status = CASE WHEN excluded.last_position > last_position THEN excluded.last_status
                ELSE last_status END,
            last_position = max(last_position, excluded.last_position)
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

    static let statsFromCases = """
        INSERT INTO q_test_stats (project, image_id, test, runs, failures, passes, retry_passes, first_seen_s,
            last_seen_s, last_status, last_position)
        SELECT project, image_id, test, count(*), sum(any_fail), sum(any_pass), sum(any_fail AND any_pass),
            min(first_s), max(last_s), substr(max(printf('%015d', last_position) || last_status), 16),
            max(last_position)
        FROM q_test_cases GROUP BY project, image_id, test
        """
}
