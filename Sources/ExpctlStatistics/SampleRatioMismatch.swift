/// The sample-ratio-mismatch check: do the units observed per variant fit the allocation?
/// A chi-square goodness-of-fit test as GrowthBook's `check_srm` (gbstats `utils.py`).
public struct SampleRatioMismatch: Sendable, Hashable, Codable {
    /// GrowthBook's `DEFAULT_SRM_THRESHOLD`: small because the check is repeated on every pass
    /// and is not sequentially valid (Eppo's reason for the same value).
    public static let defaultThreshold = 0.001
    /// GrowthBook's `DEFAULT_SRM_MINIMINUM_COUNT_PER_VARIATION`: below 8·K units in total the
    /// status is `.notEnoughTraffic`.
    public static let defaultMinimumUnitsPerVariant = 8

    public enum Status: String, Sendable, Hashable, Codable {
        case notEnoughTraffic
        case healthy
        case mismatch
    }

    /// Σ(O − E)²/E over the arms with a positive weight.
    public var chiSquare: Double
    /// K − 1, counting the skipped arms too, as GrowthBook does.
    public var degreesOfFreedom: Int
    /// Q((K − 1)/2, χ²/2), as `scipy.stats.chisquare(obs, N·w/Σw).pvalue`; 1 with no traffic.
    public var pValue: Double
    public var status: Status

    /// E_k = N·w_k/Σw. Arms with w ≤ 0 are left out of χ² (GrowthBook's rule).
    public init(
        observed: [Int], weights: [Double], threshold: Double = SampleRatioMismatch.defaultThreshold,
        minimumUnitsPerVariant: Int = SampleRatioMismatch.defaultMinimumUnitsPerVariant
    ) {
        precondition(observed.count == weights.count && observed.count >= 2, "one weight per arm, two arms or more")
        precondition(weights.contains { $0 > 0 }, "some arm has a positive weight")
        let total = Double(observed.reduce(0, +))
        let totalWeight = weights.reduce(0, +)
        var chiSquare = 0.0
        for (count, weight) in zip(observed, weights) where weight > 0 {
            let expected = weight / totalWeight * total
            let deviation = Double(count) - expected
            chiSquare += deviation * deviation / expected
        }
        self.degreesOfFreedom = observed.count - 1
        if total == 0 {
            self.chiSquare = 0
            self.pValue = 1
        } else {
            self.chiSquare = chiSquare
            self.pValue = ChiSquare.survival(chiSquare, degreesOfFreedom: Double(observed.count - 1))
        }
        if total < Double(observed.count * minimumUnitsPerVariant) {
            status = .notEnoughTraffic
        } else {
            status = pValue < threshold ? .mismatch : .healthy
        }
    }
}
