import GRDB
import LedgerStore

/// Builds, their inputs, attempts, steps and fixes (`q_builds`, `q_build_inputs`, `q_attempts`, `q_steps`,
/// `q_fixes`), from the events of `build-<id>` streams.
///
/// Each event type has set-based statements over a position range `(?1, ?2]` reading the payload with
/// SQLite's JSON operators: one event at a time after an append, the whole journal at once on rebuild.
public struct BuildProjection: Projection {
    /// Creates the projection.
    public init() {}

    /// The checkpoint key.
    public let name = "queries.builds"

    /// The tables it owns.
    public let tables = ["q_builds", "q_build_inputs", "q_attempts", "q_steps", "q_fixes"]

    /// Applies one event (unknown types are ignored).
    public func apply(_ event: RecordedEvent, in db: Database) throws {
        guard let statements = Self.statements[event.type] else { return }
        for sql in statements { try EventFields.execute(sql, [event.position - 1, event.position], in: db) }
    }

    /// Applies an appended batch set-based, as one replay window (the same rows as event by event: the
    /// projection tests hold windowed replay equal to applying events one at a time).
    public func apply(_ events: [RecordedEvent], after: Int64, upTo: Int64, in db: Database) throws {
        if events.count == 1, let event = events.first { return try apply(event, in: db) }
        try replayWindow(after, upTo, in: db)
    }

    /// The one-pass replay (``BuildReplay``) `ledger rebuild` uses.
    public func makeReplay(in db: Database) throws -> (any ProjectionReplay)? { ReplayDriver<BuildReplay>() }

    /// Replays the journal up to `upTo` set-based: window by window, type by type in the order a stream writes
    /// them (when the one-pass replay falls back).
    public func replayAll(upTo: Int64, in db: Database) throws -> Bool {
        try EventFields.inWindows(upTo: upTo) { low, high in try replayWindow(low, high, in: db) }
        return true
    }

    /// Applies the events in `(low, high]` set-based, type by type in the order a stream writes them.
    func replayWindow(_ low: Int64, _ high: Int64, in db: Database) throws {
        for type in Self.order {
            for sql in Self.statements[type] ?? [] { try EventFields.execute(sql, [low, high], in: db) }
        }
    }

    static let order = [
        "BuildStarted", "BuildAttemptStarted", "BuildStepFinished", "BuildAttemptFinished", "FixApplied",
        "BuildFinished",
    ]

    static func range(_ type: String) -> String {
        "e.type = '\(type)' AND e.position > ?1 AND e.position <= ?2 AND json_valid(e.data)"
    }

    static let seconds = "coalesce((julianday(e.occurred_at) - 2440587.5) * 86400.0, 0)"

    static let statements: [String: [String]] = [
        "BuildStarted": [
            """
            INSERT OR IGNORE INTO q_builds (build_id, project, image, image_id, base_image, instance_type, engine,
                status, started_at, started_s, position, duration_s, attempts, fixes, cache, metadata)
            SELECT e.data ->> '$.build_id', coalesce(e.data ->> '$.project', ''), coalesce(e.data ->> '$.image', ''),
                NULL, e.data ->> '$.base_image', coalesce(e.data ->> '$.host.instance_type', 'unknown'),
                e.data ->> '$.host.engine_version', 'running', e.occurred_at, \(seconds), e.position, NULL, 0, 0,
                NULL, e.metadata
            FROM events e WHERE \(range("BuildStarted")) AND e.data ->> '$.build_id' IS NOT NULL
            ORDER BY e.position
            """,
            """
            INSERT OR IGNORE INTO q_build_inputs (build_id, context, dockerfile, dockerfile_text, build_args,
                secret_build_args, pins, host)
            SELECT e.data ->> '$.build_id', coalesce(e.data ->> '$.context', ''),
                coalesce(e.data ->> '$.dockerfile', ''), coalesce(e.data ->> '$.dockerfile_text', ''),
                coalesce(e.data -> '$.build_args', '{}'), coalesce(e.data -> '$.secret_build_args', '[]'),
                coalesce(e.data -> '$.pins', '{}'), coalesce(e.data -> '$.host', '{}')
            FROM events e WHERE \(range("BuildStarted")) AND e.data ->> '$.build_id' IS NOT NULL
            ORDER BY e.position
            """,
        ],
        "BuildAttemptStarted": [
            """
            INSERT OR IGNORE INTO q_attempts (build_id, number, project, instance_type, engine, status, success,
                started_at, started_s, finish_position, duration_s, cache, failure_class, log_id, metadata)
            SELECT e.data ->> '$.build_id', e.data ->> '$.number', coalesce(e.data ->> '$.project', ''),
                coalesce(b.instance_type, 'unknown'), coalesce(b.engine, 'unknown'), 'running', NULL,
                e.occurred_at, \(seconds), NULL, NULL, NULL, NULL, coalesce(e.data ->> '$.log_id', ''), e.metadata
            FROM events e LEFT JOIN q_builds b ON b.build_id = e.data ->> '$.build_id'
            WHERE \(range("BuildAttemptStarted")) AND e.data ->> '$.build_id' IS NOT NULL
                AND e.data ->> '$.number' IS NOT NULL
            ORDER BY e.position
            """,
            """
            UPDATE q_builds SET attempts = max(attempts, a.n)
            FROM (SELECT e.data ->> '$.build_id' AS build_id, max(e.data ->> '$.number') AS n FROM events e
                  WHERE \(range("BuildAttemptStarted")) GROUP BY 1) AS a
            WHERE q_builds.build_id = a.build_id
            """,
        ],
        "BuildStepFinished": [
            """
            INSERT OR REPLACE INTO q_steps (build_id, attempt, idx, instruction, duration_s, cached)
            SELECT coalesce(e.data ->> '$.build_id', ''), coalesce(e.data ->> '$.attempt', 0),
                coalesce(e.data ->> '$.index', 0), coalesce(e.data ->> '$.instruction', ''),
                coalesce(e.data ->> '$.duration_s', 0), coalesce(e.data ->> '$.cached', 0)
            FROM events e WHERE \(range("BuildStepFinished"))
            ORDER BY e.position
            """
        ],
        "BuildAttemptFinished": [
            """
            INSERT INTO q_attempts (build_id, number, project, instance_type, engine, status, success, started_at,
                started_s, finish_position, duration_s, cache, failure_class, log_id, metadata)
            SELECT e.data ->> '$.build_id', e.data ->> '$.number', coalesce(e.data ->> '$.project', ''),
                coalesce(b.instance_type, 'unknown'), coalesce(b.engine, 'unknown'),
                coalesce(e.data ->> '$.status', CASE WHEN e.data ->> '$.success' THEN 'success' ELSE 'failed' END),
                coalesce(e.data ->> '$.success', 0), e.occurred_at, \(seconds), e.position,
                e.data ->> '$.duration_s', e.data ->> '$.cache', e.data ->> '$.failure_class',
                coalesce(e.data ->> '$.log_id', ''), e.metadata
            FROM events e LEFT JOIN q_builds b ON b.build_id = e.data ->> '$.build_id'
            WHERE \(range("BuildAttemptFinished")) AND e.data ->> '$.build_id' IS NOT NULL
                AND e.data ->> '$.number' IS NOT NULL
            ORDER BY e.position
            ON CONFLICT (build_id, number) DO UPDATE SET status = excluded.status, success = excluded.success,
                finish_position = excluded.finish_position, duration_s = excluded.duration_s,
                cache = excluded.cache, failure_class = excluded.failure_class
            """,
            """
            UPDATE q_fixes SET attempt_status = a.status
            FROM (SELECT e.data ->> '$.build_id' AS build_id, e.data ->> '$.number' AS number,
                      coalesce(e.data ->> '$.status',
                          CASE WHEN e.data ->> '$.success' THEN 'success' ELSE 'failed' END) AS status
                  FROM events e WHERE \(range("BuildAttemptFinished"))) AS a
            WHERE q_fixes.build_id = a.build_id AND q_fixes.attempt = a.number
            """,
            """
            UPDATE q_builds SET cache = a.cache, image_id = coalesce(a.image_id, q_builds.image_id)
            FROM (SELECT e.data ->> '$.build_id' AS build_id, max(e.position) AS last,
                      e.data ->> '$.cache' AS cache, e.data ->> '$.image_id' AS image_id
                  FROM events e WHERE \(range("BuildAttemptFinished")) GROUP BY 1) AS a
            WHERE q_builds.build_id = a.build_id
            """,
        ],
        "FixApplied": [
            """
            INSERT OR IGNORE INTO q_fixes (position, build_id, project, at, at_s, attempt, source, rule, kind, file,
                line, before, after, attempt_status)
            SELECT e.position, e.data ->> '$.build_id', coalesce(e.data ->> '$.project', ''), e.occurred_at,
                \(seconds), coalesce(e.data ->> '$.attempt', 1), coalesce(e.data ->> '$.source', ''),
                coalesce(e.data ->> '$.fix.rule', ''), coalesce(e.data ->> '$.fix.kind', ''),
                coalesce(e.data ->> '$.fix.file', ''), e.data ->> '$.fix.line',
                coalesce(e.data ->> '$.fix.before', ''), coalesce(e.data ->> '$.fix.after', ''),
                nullif(a.status, 'running')
            FROM events e LEFT JOIN q_attempts a
                ON a.build_id = e.data ->> '$.build_id' AND a.number = coalesce(e.data ->> '$.attempt', 1)
            WHERE \(range("FixApplied")) AND e.data ->> '$.build_id' IS NOT NULL
            ORDER BY e.position
            """,
            """
            UPDATE q_builds SET fixes = fixes + f.n
            FROM (SELECT e.data ->> '$.build_id' AS build_id, count(*) AS n FROM events e
                  WHERE \(range("FixApplied")) GROUP BY 1) AS f
            WHERE q_builds.build_id = f.build_id
            """,
        ],
        "BuildFinished": [
            """
            UPDATE q_builds SET
                status = f.status, image = coalesce(nullif(f.image, ''), q_builds.image),
                image_id = coalesce(f.image_id, q_builds.image_id), duration_s = f.duration_s,
                attempts = max(q_builds.attempts, coalesce(f.attempts, 0))
            FROM (SELECT e.data ->> '$.build_id' AS build_id, max(e.position) AS last,
                      coalesce(e.data ->> '$.status',
                          CASE WHEN e.data ->> '$.success' THEN 'success' ELSE 'failed' END) AS status,
                      e.data ->> '$.image' AS image, e.data ->> '$.image_id' AS image_id,
                      e.data ->> '$.duration_s' AS duration_s, e.data ->> '$.attempts' AS attempts
                  FROM events e WHERE \(range("BuildFinished")) GROUP BY 1) AS f
            WHERE q_builds.build_id = f.build_id
            """
        ],
    ]
}
