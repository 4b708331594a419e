import LedgerStore

/// The projections the CLI keeps caught up after every append.
public enum Projections {
    /// Every projection, in the order they are applied.
    public static let all: [any Projection] = [BuildProjection(), TestProjection()]

    /// Every table the query projections own (rebuild == incremental compares these).
    public static var tables: [String] { all.flatMap(\.tables) }
}
