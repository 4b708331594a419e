import Foundation

/// Order statistics and the bootstrap interval `compare` reports.
public enum Statistics {
    /// Median of sorted values (mean of the middle two for an even count); 0 when empty.
    public static func median(_ sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Nearest-rank percentile (`p` in 0...1) of sorted values; 0 when empty.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// Bootstrap 95% interval (2.5th and 97.5th percentiles) of median(a) / median(b) over `resamples`
    /// resamples drawn with a fixed seed, so the same data always gives the same interval.
    ///
    /// The median of a resample of sorted data is the value at the median of the resampled indices, and the
    /// k-th smallest of n uniform draws is Beta(k, n - k + 1) distributed; drawing that order statistic
    /// directly makes each resample O(1) instead of O(n log n), with the same distribution.
    public static func ratioInterval(
        _ a: [Double], _ b: [Double], resamples: Int = 2000, seed: UInt64 = 0x1ED6E5
    ) -> (low: Double, high: Double) {
        var random = SplitMix64(seed: seed)
        var ratios: [Double] = []
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let mb = resampledMedian(b, &random)
            guard mb > 0 else { continue }
            ratios.append(resampledMedian(a, &random) / mb)
        }
        ratios.sort()
        guard !ratios.isEmpty else { return (0, 0) }
        return (percentile(ratios, 0.025), percentile(ratios, 0.975))
    }

    /// The median of one bootstrap resample of sorted `values`.
    static func resampledMedian(_ values: [Double], _ random: inout SplitMix64) -> Double {
        let n = values.count
        func value(atUniform u: Double) -> Double { values[min(Int(u * Double(n)), n - 1)] }
        let k = (n + 1) / 2
        let uk = beta(Double(k), Double(n - k + 1), &random)
        if n % 2 == 1 { return value(atUniform: uk) }
        // The next order statistic: uk + (1 - uk) * Beta(1, n - k).
        let next = uk + (1 - uk) * beta(1, Double(n - k), &random)
        return (value(atUniform: uk) + value(atUniform: next)) / 2
    }

    static func beta(_ a: Double, _ b: Double, _ random: inout SplitMix64) -> Double {
        let x = gamma(a, &random)
        let y = gamma(b, &random)
        return x + y == 0 ? 0.5 : x / (x + y)
    }

    /// Marsaglia and Tsang's gamma sampler (shape >= 1; smaller shapes boosted by U^(1/shape)).
    static func gamma(_ shape: Double, _ random: inout SplitMix64) -> Double {
        if shape < 1 { return gamma(shape + 1, &random) * pow(random.unit(), 1 / shape) }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0
            var v = 0.0
            repeat {
                x = random.normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.unit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}

/// A small seeded generator (SplitMix64), so bootstrap intervals and synthesized journals are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    public mutating func unit() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit())
    }
}
