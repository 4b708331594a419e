import GRDB

/// The current state of one project (`ledger status`).
public struct StatusRow: TabularRow, Equatable {
    public var project: String
    /// The image of the last successful build.
    public var image: String?
    public var imageId: String?
    public var lastBuildStatus: String?
    public var lastBuildAt: Double?
    public var lastTestStatus: String?
    public var lastTestAt: Double?
    /// Open regressions (tests and durations).
    public var regressions: Int
    /// Flaky tests.
    public var flaky: Int

    /// The contract's fields.
    public var fields: [Field] {
        [
            Field("project", .text(project)), Field("image", .optional(image)), Field("image_id", .optional(imageId)),
            Field("last_build_status", .optional(lastBuildStatus)), Field("last_build_at", .time(lastBuildAt)),
            Field("last_test_status", .optional(lastTestStatus)), Field("last_test_at", .time(lastTestAt)),
            Field("regressions", .int(regressions)), Field("flaky", .int(flaky)),
        ]
    }
}

extension Queries {
    /// A row per project (or just `filter.project`): current image, last build and test, regressions, flaky.
    public static func status(filter: QueryFilter, in db: Database) throws -> [StatusRow] {
        var projects: [String]
        if let project = filter.project {
            projects = [project]
        } else {
            let builds = try Self.projects(filter: filter, table: "q_builds", in: db)
            let tests = try Self.projects(filter: filter, table: "q_test_runs", in: db)
            projects = Array(Set(builds + tests)).sorted()
        }
        let regressions = try Self.regressions(filter: QueryFilter(project: filter.project), in: db)
        var flaky: [String: Int] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT project, count(*) FROM q_test_stats INDEXED BY q_test_stats_flaky
                WHERE failures > 0 AND passes > 0 GROUP BY project
                """)
        {
            flaky[row[0]] = row[1]
        }
        var liveness = Liveness()
        var rows: [StatusRow] = []
        for project in projects {
            var row = StatusRow(
                project: project, regressions: regressions.filter { $0.project == project }.count,
                flaky: flaky[project] ?? 0)
            if let image = try Row.fetchOne(
                db,
                sql: """
                    SELECT image, image_id FROM q_builds INDEXED BY q_builds_by_project_status
                    WHERE project = ? AND status = 'success' ORDER BY position DESC LIMIT 1
                    """, arguments: [project])
            {
                row.image = image["image"]
                row.imageId = image["image_id"]
            }
            if let build = try Row.fetchOne(
                db,
                sql: """
                    SELECT status, started_s, metadata FROM q_builds INDEXED BY q_builds_by_project
                    WHERE project = ? ORDER BY started_s DESC LIMIT 1
                    """, arguments: [project])
            {
                row.lastBuildStatus = liveness.status(build["status"], metadata: build["metadata"])
                row.lastBuildAt = build["started_s"]
            }
            if let run = try Row.fetchOne(
                db,
                sql: """
                    SELECT status, started_s, metadata FROM q_test_runs INDEXED BY q_test_runs_by_project
                    WHERE project = ? ORDER BY started_s DESC LIMIT 1
                    """, arguments: [project])
            {
                row.lastTestStatus = liveness.status(run["status"], metadata: run["metadata"])
                row.lastTestAt = run["started_s"]
            }
            if row.lastBuildAt == nil, row.lastTestAt == nil, filter.project != nil { continue }
            rows.append(row)
        }
        return rows
    }
}
