/// The offline gate's test: is the candidate worse than the baseline by more than a margin,
/// on the same rows? A paired, one-sided t-test of H0: mean(d) ≥ −δ against H1: mean(d) < −δ,
/// with d = candidate − baseline (docs/gates-statistics §1).
///
/// It matches `scipy.stats.ttest_rel(candidate + δ, baseline, alternative='less')`:
/// t = (d̄ + δ)/(s/√n), df = n − 1, p = F_t(t; n − 1).
public struct PairedDegradationTest: Sendable, Hashable, Codable {
    /// t; ±∞ when every difference is equal (s = 0).
    public var statistic: Double
    public var degreesOfFreedom: Int
    /// The lower-tail p-value: small when the candidate is worse than the margin allows.
    public var pValue: Double
    public var meanDifference: Double
    /// s/√n.
    public var standardError: Double
    public var margin: Double

    /// Tests the streamed differences; needs at least two.
    ///
    /// When every difference is the same (s = 0) scipy gives t = ±∞ or NaN (0/0); here the
    /// outcome is then certain, and p says so: p = 0 when d̄ + δ < 0 (every row is worse than
    /// the margin allows, t = −∞) and p = 1 when d̄ + δ ≥ 0. At d̄ + δ = 0 the mean sits exactly
    /// on H0's boundary, which is no evidence of degradation, so the gate must not fail: p = 1.
    public init(differences: RunningMoments, margin: Double = 0) throws(StatisticsUnavailable) {
        precondition(margin >= 0, "the degradation margin δ is not negative")
        guard differences.count >= 2 else { throw .tooFewObservations(needed: 2, have: differences.count) }
        let n = differences.count
        let shifted = differences.mean + margin
        self.meanDifference = differences.mean
        self.margin = margin
        self.degreesOfFreedom = n - 1
        self.standardError = (differences.variance / Double(n)).squareRoot()
        if standardError == 0 {
            statistic = shifted < 0 ? -.infinity : (shifted > 0 ? .infinity : 0)
            pValue = shifted < 0 ? 0 : 1
        } else {
            statistic = shifted / standardError
            pValue = StudentT.cdf(statistic, degreesOfFreedom: Double(n - 1))
        }
    }

    /// Whether the test finds degradation at level `alpha` (p < α, as scipy's users decide).
    public func showsDegradation(alpha: Double) -> Bool { pValue < alpha }
}
