/// Why a statistic cannot be computed from the data at hand. A gate treats each as "not yet
/// known", never as a pass or a failure.
public enum StatisticsUnavailable: Error, Sendable, Hashable {
    /// Fewer observations than the statistic needs (e.g. a t-test needs two differences).
    case tooFewObservations(needed: Int, have: Int)
    /// A variant's variance is zero or negative, so no standard error exists (GrowthBook
    /// returns p = 1 in this case).
    case zeroVariance
    /// The baseline mean is zero, so a relative effect is undefined.
    case zeroBaselineMean
    /// Every paired difference is zero after quantization: the signed-rank test has no ranks.
    case allDifferencesZero
}
