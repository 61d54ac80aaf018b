import Foundation

/// The normal-mixture likelihood ratio that both always-valid methods rest on
/// (docs/gates-statistics §2b). With V = se² of the effect at a look and the mixing
/// distribution N(θ₀, τ²) over the effect under H1:
///
///     ln Λ = ½ ln(V/(V + τ²)) + τ²(Δ̂ − θ₀)² / (2V(V + τ²))
///
/// mSPRT fixes τ; GrowthBook's asymptotic confidence sequence is the same mixture with
/// τ² = ρ²·N·se² (ρ from N*), so one routine serves both.
public enum NormalMixture {
    /// ln Λ for the estimate `estimate` against H0: effect = `null`.
    public static func logLikelihoodRatio(
        estimate: Double, null: Double, variance: Double, mixtureVariance tauSquared: Double
    ) -> Double {
        let distance = estimate - null
        return 0.5 * log(variance / (variance + tauSquared)) + tauSquared * distance * distance
            / (2 * variance * (variance + tauSquared))
    }

    /// The half-width of the two-sided confidence sequence: the set of θ₀ with Λ < 1/α,
    /// √(2V(V + τ²)/τ² · (ln(1/α) + ½ ln((V + τ²)/V))). For GrowthBook's τ² this is eq. 9 of
    /// Waudby-Smith et al.
    public static func twoSidedHalfWidth(variance: Double, mixtureVariance tauSquared: Double, alpha: Double) -> Double
    {
        (2 * variance * (variance + tauSquared) / tauSquared * (-log(alpha) + 0.5 * log1p(tauSquared / variance)))
            .squareRoot()
    }

    /// The half-width of a one-sided bound at level α: eq. 134 of Waudby-Smith et al. as
    /// GrowthBook implements it, √(2V(V + τ²)/τ² · ln(1 + √((V + τ²)/V)/(2α))), written with
    /// V and τ² (GrowthBook's Nρ² + 1 is (V + τ²)/V).
    public static func oneSidedHalfWidth(variance: Double, mixtureVariance tauSquared: Double, alpha: Double) -> Double
    {
        let spread = (1 + tauSquared / variance).squareRoot()
        return (2 * variance * (variance + tauSquared) / tauSquared * log1p(spread / (2 * alpha))).squareRoot()
    }

    /// The smallest α at which the one-sided bound excludes `null` on the side of the estimate
    /// — the inverse of `oneSidedHalfWidth` in closed form: α = √((V+τ²)/V) / (2(e^{x²/c} − 1))
    /// with x the distance and c = 2V(V + τ²)/τ². 1 when the estimate lies on H0's side.
    /// (gbstats finds the same root by bisection and stops within 1e-6 of the bound.)
    static func oneSidedPValue(distance: Double, variance: Double, mixtureVariance tauSquared: Double) -> Double {
        guard distance > 0 else { return 1 }
        let spread = (1 + tauSquared / variance).squareRoot()
        let scale = 2 * variance * (variance + tauSquared) / tauSquared
        return min(1, spread / (2 * expm1(distance * distance / scale)))
    }
}
