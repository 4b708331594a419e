import GRDB

/// One applied fix and whether the attempt after it succeeded (`ledger fixes`).
public struct FixRow: TabularRow, Equatable {
    public var buildId: String
    public var project: String
    public var at: Double
    public var attempt: Int
    public var source: String
    public var rule: String
    public var kind: String
    public var file: String
    public var line: Int?
    public var before: String
    public var after: String
    /// `succeeded|failed|interrupted|pending`: how the attempt the fix was applied before ended.
    public var outcome: String

    /// The contract's fields (plus `attempt` and `source`).
    public var fields: [Field] {
        [
            Field("build_id", .text(buildId)), Field("project", .text(project)), Field("at", .time(at)),
            Field("rule", .text(rule)), Field("kind", .text(kind)), Field("file", .text(file)),
            Field("line", line.map(Cell.int) ?? .null), Field("before", .text(before)), Field("after", .text(after)),
            Field("outcome", .text(outcome)), Field("attempt", .int(attempt)), Field("source", .text(source)),
        ]
    }
}

extension Queries {
    /// Applied fixes, newest first, each with the outcome of the attempt it was applied before.
    public static func fixes(filter: QueryFilter, in db: Database) throws -> [FixRow] {
        var sql = """
            SELECT f.build_id, f.project, f.at_s, f.attempt, f.source, f.rule, f.kind, f.file, f.line, f.before,
                f.after, f.attempt_status
            FROM q_fixes f
            WHERE f.at_s >= ? AND f.at_s <= ?
            """
        var arguments: StatementArguments = [filter.sinceSeconds, filter.untilSeconds]
        if let project = filter.project {
            sql += " AND f.project = ?"
            arguments += [project]
        }
        if let type = filter.instanceType {
            sql += " AND f.build_id IN (SELECT build_id FROM q_builds WHERE instance_type = ?)"
            arguments += [type]
        }
        sql += " ORDER BY f.position DESC"
        var liveness = Liveness()
        var rows: [FixRow] = []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() {
            // Columns by index (in the SELECT's order): a name lookup folds case on every access.
            let outcome: String
            switch row[11] as String? {
            case "success": outcome = "succeeded"
            case "interrupted": outcome = "interrupted"
            case .some: outcome = "failed"
            case nil: outcome = try unfinishedOutcome(build: row[0], attempt: row[3], liveness: &liveness, in: db)
            }
            if let wanted = filter.status, wanted != outcome { continue }
            rows.append(
                FixRow(
                    buildId: row[0], project: row[1], at: row[2], attempt: row[3], source: row[4], rule: row[5],
                    kind: row[6], file: row[7], line: row[8], before: row[9], after: row[10], outcome: outcome))
            if let limit = filter.limit, rows.count >= limit { break }
        }
        return rows
    }

    /// The outcome of a fix whose attempt has not finished: pending while its writer lives, interrupted once it
    /// is gone; when the attempt never started, the build's state decides (gave up: failed).
    static func unfinishedOutcome(build: String, attempt: Int, liveness: inout Liveness, in db: Database) throws
        -> String
    {
        if let row = try Row.fetchOne(
            db, sql: "SELECT status, metadata FROM q_attempts WHERE build_id = ? AND number = ?",
            arguments: [build, attempt])
        {
            return liveness.status(row[0], metadata: row[1]) == "interrupted" ? "interrupted" : "pending"
        }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT status, metadata FROM q_builds WHERE build_id = ?", arguments: [build])
        else { return "pending" }
        let now = liveness.status(row[0], metadata: row[1])
        return now == "running" ? "pending" : now == "interrupted" ? "interrupted" : "failed"
    }
}
