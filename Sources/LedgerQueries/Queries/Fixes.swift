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
                f.after, a.status AS attempt_status, a.success, a.metadata AS attempt_metadata,
                b.status AS build_status, b.metadata AS build_metadata
            FROM q_fixes f
            LEFT JOIN q_attempts a ON a.build_id = f.build_id AND a.number = f.attempt
            LEFT JOIN q_builds b ON b.build_id = f.build_id
            WHERE f.at_s >= ? AND f.at_s <= ?
            """
        var arguments: StatementArguments = [filter.sinceSeconds, filter.untilSeconds]
        if let project = filter.project {
            sql += " AND f.project = ?"
            arguments += [project]
        }
        if let type = filter.instanceType {
            sql += " AND b.instance_type = ?"
            arguments += [type]
        }
        sql += " ORDER BY f.position DESC"
        var liveness = Liveness()
        var rows: [FixRow] = []
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() {
            // Columns by index (in the SELECT's order): a name lookup folds case on every access.
            let outcome: String
            if let status: String = row[11] {
                if status == "running" {
                    let now = liveness.status(status, metadata: row[13])
                    outcome = now == "interrupted" ? "interrupted" : "pending"
                } else if status == "interrupted" {
                    outcome = "interrupted"
                } else {
                    outcome = (row[12] as Bool?) == true ? "succeeded" : "failed"
                }
            } else if let build: String = row[14] {
                // The attempt never started: the build is still going, was interrupted, or gave up.
                let now = liveness.status(build, metadata: row[15] ?? "")
                outcome = now == "running" ? "pending" : now == "interrupted" ? "interrupted" : "failed"
            } else {
                outcome = "pending"
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
}
