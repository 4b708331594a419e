import GRDB

/// What `compare` groups successful attempts by.
public enum CompareDimension: String, Sendable, CaseIterable {
    case instanceType = "instance-type"
    case engine
    case cache

    var column: String {
        switch self {
        case .instanceType: "instance_type"
        case .engine: "engine"
        case .cache: "cache"
        }
    }
}

/// The ratio of a group's median to the fastest group's, with its bootstrap 95% interval.
public struct RatioInterval: Sendable, Equatable {
    public var ratio: Double
    public var low: Double
    public var high: Double

    /// Creates an interval.
    public init(ratio: Double, low: Double, high: Double) {
        self.ratio = ratio
        self.low = low
        self.high = high
    }
}

/// One group and cache state of `ledger compare`.
public struct CompareRow: TabularRow, Equatable {
    public var dimension: CompareDimension
    /// The group's value (instance type, engine version, or cache state).
    public var group: String
    /// `cold` or `warm`.
    public var cache: String
    public var n: Int
    public var medianS: Double
    public var p90S: Double
    public var minS: Double
    public var maxS: Double
    /// Null under three samples (here or in the fastest group).
    public var vsFastest: RatioInterval?

    /// The contract's fields: the group column, `cache`, the statistics and `vs_fastest`.
    public var fields: [Field] {
        var fields: [Field] = []
        if dimension != .cache { fields.append(Field(dimension.column, .text(group))) }
        func rounded(_ x: Double) -> Cell { .number((x * 1000).rounded() / 1000) }
        fields += [
            Field("cache", .text(cache)), Field("n", .int(n)), Field("median_s", rounded(medianS)),
            Field("p90_s", rounded(p90S)), Field("min_s", rounded(minS)), Field("max_s", rounded(maxS)),
            Field(
                "vs_fastest",
                vsFastest.map {
                    .object([
                        Field("ratio", rounded($0.ratio)), Field("ci_low", rounded($0.low)),
                        Field("ci_high", rounded($0.high)),
                    ])
                } ?? .null),
        ]
        return fields
    }
}

extension Queries {
    /// Fewer samples than this give `vs_fastest: null` ("not enough data").
    public static let minimumCompareSamples = 3

    /// Successful attempts grouped by `dimension` and cache state: n, median, p90, min, max, and the ratio of
    /// medians to the fastest group of the same cache state with a bootstrap 95% interval.
    public static func compare(by dimension: CompareDimension, filter: QueryFilter, in db: Database) throws
        -> [CompareRow]
    {
        let index = dimension == .engine ? "q_attempts_by_engine" : "q_attempts_by_instance"
        let groupColumn = dimension == .cache ? "cache" : dimension.column
        var sql = """
            SELECT \(groupColumn) AS grp, coalesce(cache, 'cold') AS cache, duration_s
            FROM q_attempts INDEXED BY \(index)
            WHERE success = 1 AND duration_s IS NOT NULL
            """
        var arguments: StatementArguments = []
        if filter.since != nil || filter.until != nil {
            sql += " AND started_s >= ? AND started_s <= ?"
            arguments += [filter.sinceSeconds, filter.untilSeconds]
        }
        if let project = filter.project {
            sql += " AND project = ?"
            arguments += [project]
        }
        if let type = filter.instanceType {
            sql += " AND instance_type = ?"
            arguments += [type]
        }
        var byKey: [String: [String: [Double]]] = [:]
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try cursor.next() {
            let group: String = row[0] ?? "unknown"
            let cache: String = row[1]
            byKey[group, default: [:]][cache, default: []].append(row[2])
        }
        var groups: [(group: String, cache: String, values: [Double])] = []
        for (group, caches) in byKey {
            for (cache, values) in caches { groups.append((group, cache, values)) }
        }
        for i in groups.indices { groups[i].values.sort() }
        var rows: [CompareRow] = []
        for cache in ["cold", "warm"] + Set(groups.map(\.cache)).subtracting(["cold", "warm"]).sorted() {
            let same = groups.filter { $0.cache == cache }
            let fastest = same.filter { $0.values.count >= minimumCompareSamples }
                .min { (Statistics.median($0.values), $0.group) < (Statistics.median($1.values), $1.group) }
            for group in same.sorted(by: {
                (Statistics.median($0.values), $0.group) < (Statistics.median($1.values), $1.group)
            }) {
                let values = group.values
                var interval: RatioInterval?
                if let fastest, values.count >= minimumCompareSamples {
                    let base = Statistics.median(fastest.values)
                    let ratio = base > 0 ? Statistics.median(values) / base : 0
                    if fastest.group == group.group {
                        interval = RatioInterval(ratio: 1, low: 1, high: 1)
                    } else {
                        let ci = Statistics.ratioInterval(values, fastest.values)
                        interval = RatioInterval(ratio: ratio, low: ci.low, high: ci.high)
                    }
                }
                rows.append(
                    CompareRow(
                        dimension: dimension, group: group.group, cache: group.cache, n: values.count,
                        medianS: Statistics.median(values), p90S: Statistics.percentile(values, 0.9),
                        minS: values.first ?? 0, maxS: values.last ?? 0, vsFastest: interval))
            }
        }
        return rows
    }
}
