import GRDB

/// A test that both passed and failed on the same image (`ledger flaky`).
public struct FlakyRow: TabularRow, Equatable {
    public var test: String
    public var project: String
    public var imageId: String
    /// Runs that ran the test on this image.
    public var runs: Int
    /// Runs in which an attempt failed (or errored).
    public var failures: Int
    /// Runs in which it failed and then passed on a retry.
    public var retryPasses: Int
    public var firstSeen: Double
    public var lastSeen: Double

    /// failures / runs.
    public var flakeRate: Double { runs == 0 ? 0 : Double(failures) / Double(runs) }

    /// The contract's fields.
    public var fields: [Field] {
        [
            Field("test", .text(test)), Field("project", .text(project)), Field("image_id", .text(imageId)),
            Field("runs", .int(runs)), Field("failures", .int(failures)),
            Field("flake_rate", .number((flakeRate * 10000).rounded() / 10000)),
            Field("retry_passes", .int(retryPasses)), Field("first_seen", .time(firstSeen)),
            Field("last_seen", .time(lastSeen)),
        ]
    }
}

extension Queries {
    /// Flaky tests, most flaky first: a test that passed and failed on one image, across runs or on retry.
    /// A test that always passes or always fails never appears.
    public static func flaky(filter: QueryFilter, in db: Database) throws -> [FlakyRow] {
        var sql = """
            SELECT test, project, image_id, runs, failures, retry_passes, first_seen_s, last_seen_s
            FROM q_test_stats INDEXED BY q_test_stats_flaky
            WHERE failures > 0 AND passes > 0 AND last_seen_s >= ? AND first_seen_s <= ?
            """
        var arguments: StatementArguments = [filter.sinceSeconds, filter.untilSeconds]
        if let project = filter.project {
            sql += " AND project = ?"
            arguments += [project]
        }
        sql += " ORDER BY CAST(failures AS REAL) / runs DESC, runs DESC, project, test, image_id"
        if let limit = filter.limit {
            sql += " LIMIT ?"
            arguments += [limit]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            // Columns by index: a name lookup folds case on every access.
            FlakyRow(
                test: row[0], project: row[1], imageId: row[2], runs: row[3], failures: row[4], retryPasses: row[5],
                firstSeen: row[6], lastSeen: row[7])
        }
    }
}
