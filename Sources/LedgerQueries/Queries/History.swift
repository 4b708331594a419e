import GRDB

/// One build or test run of `ledger history P`.
public struct HistoryRow: TabularRow, Equatable {
    /// `build` or `test`.
    public var kind: String
    public var id: String
    /// Build: `success|failed|interrupted|running`; test run: `passed|failed|interrupted|running`.
    public var status: String
    /// Unix seconds of the start.
    public var at: Double
    public var durationS: Double?
    public var image: String
    public var imageId: String?
    public var instanceType: String
    /// Builds: attempts, fixes applied, cache state of the last attempt.
    public var attempts: Int?
    public var fixes: Int?
    public var cache: String?
    /// Test runs: passed and failed counts.
    public var passed: Int?
    public var failed: Int?

    /// The contract's fields; builds carry `attempts`, test runs `passed`/`failed`.
    public var fields: [Field] {
        var fields: [Field] = [
            Field("kind", .text(kind)), Field("id", .text(id)), Field("status", .text(status)),
            Field("at", .time(at)), Field("duration_s", .seconds(durationS)), Field("image", .text(image)),
            Field("image_id", .optional(imageId)), Field("instance_type", .text(instanceType)),
        ]
        if kind == "build" {
            fields += [
                Field("attempts", attempts.map(Cell.int) ?? .null), Field("fixes", fixes.map(Cell.int) ?? .null),
                Field("cache", .optional(cache)),
            ]
        } else {
            fields += [Field("passed", passed.map(Cell.int) ?? .null), Field("failed", failed.map(Cell.int) ?? .null)]
        }
        return fields
    }
}

extension Queries {
    /// Builds and test runs of `project`, newest first (default limit 20).
    public static func history(project: String, filter: QueryFilter, in db: Database) throws -> [HistoryRow] {
        let limit = filter.limit ?? 20
        var liveness = Liveness()
        // A status filter of running/interrupted is decided after liveness, so fetch the stored `running` rows.
        let wanted = filter.status
        let stored = wanted.map { $0 == "interrupted" || $0 == "running" ? "running" : $0 }
        let statusClause = stored == nil ? "" : " AND status = ?"
        var arguments: StatementArguments = [project, filter.sinceSeconds, filter.untilSeconds]
        if let stored { arguments += [stored] }
        let typeClause = filter.instanceType == nil ? "" : " AND instance_type = ?"
        if let type = filter.instanceType { arguments += [type] }

        var rows: [HistoryRow] = []
        func take(_ row: HistoryRow) {
            if let wanted, row.status != wanted, wanted == "interrupted" || wanted == "running" { return }
            rows.append(row)
        }
        let builds = try Row.fetchCursor(
            db,
            sql: """
                SELECT build_id, status, started_s, duration_s, image, image_id, instance_type, attempts, fixes,
                    cache, metadata
                FROM q_builds WHERE project = ? AND started_s >= ? AND started_s <= ?\(statusClause)\(typeClause)
                ORDER BY started_s DESC
                """, arguments: arguments)
        var taken = 0
        while taken < limit, let row = try builds.next() {
            let before = rows.count
            take(
                HistoryRow(
                    kind: "build", id: row["build_id"],
                    status: liveness.status(row["status"], metadata: row["metadata"]),
                    at: row["started_s"], durationS: row["duration_s"], image: row["image"], imageId: row["image_id"],
                    instanceType: row["instance_type"], attempts: row["attempts"], fixes: row["fixes"],
                    cache: row["cache"]))
            taken += rows.count - before
        }
        let tests = try Row.fetchCursor(
            db,
            sql: """
                SELECT run_id, status, started_s, duration_s, image, image_id, instance_type, passed, failed, metadata
                FROM q_test_runs WHERE project = ? AND started_s >= ? AND started_s <= ?\(statusClause)\(typeClause)
                ORDER BY started_s DESC
                """, arguments: arguments)
        taken = 0
        while taken < limit, let row = try tests.next() {
            let before = rows.count
            take(
                HistoryRow(
                    kind: "test", id: row["run_id"], status: liveness.status(row["status"], metadata: row["metadata"]),
                    at: row["started_s"], durationS: row["duration_s"], image: row["image"], imageId: row["image_id"],
                    instanceType: row["instance_type"], passed: row["passed"], failed: row["failed"]))
            taken += rows.count - before
        }
        rows.sort { ($0.at, $0.id) > ($1.at, $1.id) }
        return Array(rows.prefix(limit))
    }
}

/// The read side: every query reads projection tables only.
public enum Queries {}
