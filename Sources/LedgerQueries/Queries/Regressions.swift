import GRDB

/// A test that passed on the project's previous image and fails on the latest, or a build slower than its
/// rolling median (`ledger regressions`).
public struct RegressionRow: TabularRow, Equatable {
    /// `test` or `duration`.
    public var kind: String
    public var project: String
    public var test: String?
    public var fromImage: String?
    public var toImage: String?
    public var buildId: String?
    public var instanceType: String?
    public var cache: String?
    public var durationS: Double?
    public var medianS: Double?
    public var ratio: Double?

    /// The contract's fields for the row's kind.
    public var fields: [Field] {
        var fields = [Field("kind", .text(kind)), Field("project", .text(project))]
        if kind == "test" {
            fields += [
                Field("test", .optional(test)), Field("from_image", .optional(fromImage)),
                Field("to_image", .optional(toImage)),
            ]
        } else {
            fields += [
                Field("build_id", .optional(buildId)), Field("instance_type", .optional(instanceType)),
                Field("cache", .optional(cache)), Field("duration_s", .seconds(durationS)),
                Field("median_s", .seconds(medianS)),
                Field("ratio", ratio.map { .number(($0 * 1000).rounded() / 1000) } ?? .null),
            ]
        }
        return fields
    }
}

extension Queries {
    /// A build is a duration regression when slower than this times the rolling median.
    public static let slowerThan = 1.2
    /// The rolling median needs at least this many earlier samples.
    public static let minimumSamples = 5
    /// The rolling window: the latest build is compared with at most this many before it.
    public static let window = 20

    /// Open regressions: per project, tests that passed on the previous image and fail on the latest; per
    /// project, instance type and cache state, the latest successful build when it is more than 20% slower
    /// than the median of the (up to 20) before it, given at least 5.
    public static func regressions(filter: QueryFilter, in db: Database) throws -> [RegressionRow] {
        try testRegressions(filter: filter, in: db) + durationRegressions(filter: filter, in: db)
    }

    /// The distinct projects of `table` (whose first index column is `project`), by seeking, not scanning.
    static func projects(filter: QueryFilter, table: String, in db: Database) throws -> [String] {
        if let project = filter.project { return [project] }
        let statement = try db.cachedStatement(
            sql: "SELECT project FROM \(table) WHERE project > ? ORDER BY project LIMIT 1")
        var projects: [String] = []
        while let next = try String.fetchOne(statement, arguments: [projects.last ?? ""]) { projects.append(next) }
        return projects
    }

    static func testRegressions(filter: QueryFilter, in db: Database) throws -> [RegressionRow] {
        var rows: [RegressionRow] = []
        for project in try projects(filter: filter, table: "q_test_images", in: db) {
            let images = try Row.fetchAll(
                db,
                sql: """
                    SELECT image_id, image FROM q_test_images WHERE project = ? ORDER BY first_position DESC LIMIT 2
                    """, arguments: [project])
            guard images.count == 2 else { continue }
            let latest: String = images[0]["image_id"]
            let previous: String = images[1]["image_id"]
            let tests = try String.fetchAll(
                db,
                sql: """
                    SELECT now.test FROM q_test_stats now JOIN q_test_stats before
                        ON before.project = now.project AND before.test = now.test AND before.image_id = ?
                    WHERE now.project = ? AND now.image_id = ? AND before.last_status = 'passed'
                        AND now.last_status IN ('failed', 'error')
                    ORDER BY now.test
                    """, arguments: [previous, project, latest])
            for test in tests {
                rows.append(
                    RegressionRow(
                        kind: "test", project: project, test: test, fromImage: images[1]["image"] ?? previous,
                        toImage: images[0]["image"] ?? latest))
            }
        }
        return rows
    }

    static func durationRegressions(filter: QueryFilter, in db: Database) throws -> [RegressionRow] {
        // Walk the distinct (project, instance type, cache) keys by seeking the index column by column (an
        // equality prefix and a range on the next column), not by scanning it.
        func next(_ column: String, after: String, prefix: [String]) throws -> String? {
            let names = ["project", "instance_type", "cache"]
            let equalities = prefix.indices.map { "\(names[$0]) = ? AND " }.joined()
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(column) FROM q_attempts INDEXED BY q_attempts_rolling
                    WHERE success = 1 AND \(equalities)\(column) > ? ORDER BY \(column) LIMIT 1
                    """)
            return try String.fetchOne(statement, arguments: StatementArguments(prefix + [after]))
        }
        var keys: [(project: String, type: String, cache: String)] = []
        var project = ""
        while let p = try next("project", after: project, prefix: []) {
            project = p
            if let wanted = filter.project, wanted != p { continue }
            var type = ""
            while let t = try next("instance_type", after: type, prefix: [p]) {
                type = t
                if let wanted = filter.instanceType, wanted != t { continue }
                var cache = ""
                while let c = try next("cache", after: cache, prefix: [p, t]) {
                    cache = c
                    keys.append((p, t, c))
                }
            }
        }
        var rows: [RegressionRow] = []
        for (project, type, cache) in keys {
            let recent = try Row.fetchAll(
                db,
                sql: """
                    SELECT build_id, duration_s, started_s FROM q_attempts INDEXED BY q_attempts_rolling
                    WHERE project = ? AND instance_type = ? AND cache = ? AND success = 1
                    ORDER BY finish_position DESC LIMIT ?
                    """, arguments: [project, type, cache, window + 1])
            guard recent.count > minimumSamples, let latest = recent.first else { continue }
            let at: Double = latest["started_s"]
            guard at >= filter.sinceSeconds, at <= filter.untilSeconds else { continue }
            let earlier = recent.dropFirst().compactMap { $0["duration_s"] as Double? }
            guard earlier.count >= minimumSamples, let duration: Double = latest["duration_s"] else { continue }
            let median = Statistics.median(earlier.sorted())
            guard median > 0, duration > median * slowerThan else { continue }
            rows.append(
                RegressionRow(
                    kind: "duration", project: project, buildId: latest["build_id"], instanceType: type, cache: cache,
                    durationS: duration, medianS: median, ratio: duration / median))
        }
        return rows.sorted { ($0.ratio ?? 0) > ($1.ratio ?? 0) }
    }
}
