import Foundation
import LedgerStore

/// The filters a query takes (each query uses the ones that fit).
public struct QueryFilter: Sendable, Equatable {
    /// Only this project.
    public var project: String?
    /// Only rows at or after this time.
    public var since: Date?
    /// Only rows at or before this time.
    public var until: Date?
    /// At most this many rows.
    public var limit: Int?
    /// Only rows with this status.
    public var status: String?
    /// Only this instance type.
    public var instanceType: String?

    /// Creates a filter.
    public init(
        project: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int? = nil, status: String? = nil,
        instanceType: String? = nil
    ) {
        self.project = project
        self.since = since
        self.until = until
        self.limit = limit
        self.status = status
        self.instanceType = instanceType
    }

    /// Lower bound in Unix seconds (or -inf).
    var sinceSeconds: Double { since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude }
    /// Upper bound in Unix seconds (or +inf).
    var untilSeconds: Double { until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude }
}

/// Tells whether a stream that started but never finished is still running or was interrupted.
///
/// Evaluated at query time from the metadata of the stream's start event: the same row reads `running`
/// while its writer lives and `interrupted` once it is gone.
struct Liveness {
    private var cache: [String: Bool] = [:]

    /// `stored` unless it is `running` and the writer is gone.
    mutating func status(_ stored: String, metadata: String) -> String {
        guard stored == "running" else { return stored }
        if let gone = cache[metadata] { return gone ? "interrupted" : "running" }
        let decoded = try? EventCoding.decoder().decode(EventMetadata.self, from: Data(metadata.utf8))
        let gone = decoded?.writerIsGone ?? false
        cache[metadata] = gone
        return gone ? "interrupted" : "running"
    }
}
