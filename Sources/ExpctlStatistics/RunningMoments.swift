/// Count, mean and sum of squared deviations (M2) of a stream of values, updated one value at
/// a time by Welford's method and merged by Chan's formula, so that a gate can stream per-row
/// paired differences or combine per-batch summaries without the cancellation of Σx² − (Σx)²/n.
public struct RunningMoments: Sendable, Hashable, Codable {
    public private(set) var count: Int
    public private(set) var mean: Double
    /// Σ(x − mean)².
    public private(set) var sumOfSquaredDeviations: Double

    /// No values.
    public init() {
        self.init(count: 0, mean: 0, sumOfSquaredDeviations: 0)
    }

    /// A summary already computed elsewhere (e.g. one batch of a simulation).
    public init(count: Int, mean: Double, sumOfSquaredDeviations: Double) {
        precondition(count >= 0 && sumOfSquaredDeviations >= 0, "a count and an M2 are never negative")
        self.count = count
        self.mean = count == 0 ? 0 : mean
        self.sumOfSquaredDeviations = count == 0 ? 0 : sumOfSquaredDeviations
    }

    /// The moments of `values`.
    public init(_ values: some Sequence<Double>) {
        self.init()
        for value in values { add(value) }
    }

    /// The moments of the paired differences candidate[i] − baseline[i].
    public init(differencesOf candidate: [Double], minus baseline: [Double]) {
        precondition(candidate.count == baseline.count, "paired scores come in pairs")
        self.init(zip(candidate, baseline).lazy.map { $0 - $1 })
    }

    /// Welford's update.
    public mutating func add(_ value: Double) {
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        sumOfSquaredDeviations += delta * (value - mean)
    }

    /// Chan, Golub and LeVeque's pairwise combination: M2 = M2_a + M2_b + δ²·n_a·n_b/n.
    public func merged(with other: RunningMoments) -> RunningMoments {
        if other.count == 0 { return self }
        if count == 0 { return other }
        let total = count + other.count
        let delta = other.mean - mean
        let otherShare = Double(other.count) / Double(total)
        return RunningMoments(
            count: total,
            mean: mean + delta * otherShare,
            sumOfSquaredDeviations: sumOfSquaredDeviations + other.sumOfSquaredDeviations + delta * delta
                * Double(count) * otherShare)
    }

    public mutating func merge(_ other: RunningMoments) {
        self = merged(with: other)
    }

    /// The unbiased variance Σ(x − mean)²/(n − 1); zero with fewer than two values.
    public var variance: Double {
        count < 2 ? 0 : sumOfSquaredDeviations / Double(count - 1)
    }

    public var standardDeviation: Double { variance.squareRoot() }

    /// Σx, for summaries that are kept as sums (`VariantSummary.numeric`).
    public var sum: Double { mean * Double(count) }
}
