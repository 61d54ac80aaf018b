import Foundation

/// Student's t distribution with ν degrees of freedom (ν may be fractional).
public enum StudentT {
    /// P(T ≤ t), as `scipy.stats.t.cdf(t, df)`.
    ///
    /// The tail is ½·I_x(ν/2, ½) with x = ν/(ν + t²) and y = t²/(ν + t²) formed separately
    /// (docs/gates-statistics §4): about 5e-15 relative for ν ≤ 10, 8e-14 for ν ≤ 1000, 1e-10
    /// for ν ≤ 1e6.
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "degrees of freedom must be positive")
        if t.isNaN { return .nan }
        let tail = lowerTailOfAbsolute(t, nu)
        return t < 0 ? tail : 1 - tail
    }

    /// P(T > t), as `scipy.stats.t.sf(t, df)`; small for large t, computed directly.
    public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "degrees of freedom must be positive")
        if t.isNaN { return .nan }
        let tail = lowerTailOfAbsolute(t, nu)
        return t > 0 ? tail : 1 - tail
    }

    /// P(T ≤ −|t|).
    private static func lowerTailOfAbsolute(_ t: Double, _ nu: Double) -> Double {
        let tSquared = t * t
        guard tSquared.isFinite else { return 0 }
        let x = nu / (nu + tSquared)
        let y = tSquared / (nu + tSquared)
        return 0.5 * SpecialFunctions.regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: x, y: y)
    }
}
