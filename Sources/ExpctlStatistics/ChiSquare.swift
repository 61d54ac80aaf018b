/// The chi-square distribution with k degrees of freedom.
public enum ChiSquare {
    /// P(X > x) = Q(k/2, x/2), as `scipy.stats.chi2.sf(x, k)`; about 2e-14 relative for
    /// k ≤ 50, x ≤ 200 (docs/gates-statistics §4).
    public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        precondition(k > 0, "degrees of freedom must be positive")
        if x.isNaN { return .nan }
        return SpecialFunctions.regularizedUpperIncompleteGamma(a: k / 2, x: x / 2)
    }
}
