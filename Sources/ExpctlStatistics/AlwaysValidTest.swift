import Foundation

/// Which mixture the always-valid test uses (docs/gates-statistics §2).
public enum AlwaysValidMethod: Sendable, Hashable, Codable {
    /// GrowthBook's asymptotic confidence sequence (Waudby-Smith et al.), tuned to be tightest
    /// near N* total units of the two compared arms (`sequentialTuningParameter`, default 5000).
    case confidenceSequence(tuningTotalUnits: Double = 5000)
    /// mSPRT (Johari, Pekelis, Walsh) with the mixture N(θ₀, τ²): τ ≈ the smallest effect that
    /// must be caught quickly, in the effect's scale.
    case mixtureSPRT(tau: Double)
}

/// The direction of a p-value, as scipy's `alternative`: `.less` asks whether the effect is
/// below the null value, `.greater` whether it is above.
public enum Alternative: String, Sendable, Hashable, Codable, CaseIterable {
    case twoSided = "two-sided"
    case less
    case greater
}

/// One look at an online experiment: the effect so far and the units behind it.
public struct SequentialLook: Sendable, Hashable, Codable {
    public var effect: EffectEstimate
    public var baselineUnits: Int
    public var candidateUnits: Int

    public init(effect: EffectEstimate, baselineUnits: Int, candidateUnits: Int) {
        self.effect = effect
        self.baselineUnits = baselineUnits
        self.candidateUnits = candidateUnits
    }

    /// N = n_A + n_B (gbstats `BaseABTest.n`).
    public var totalUnits: Int { baselineUnits + candidateUnits }
}

/// What one look gives: the always-valid bounds on the effect and the p-value.
public struct AlwaysValidLookResult: Sendable, Hashable, Codable {
    public var estimate: Double
    /// For a two-sided test, the ends of the confidence sequence; for a one-sided test, each a
    /// one-sided level-α bound on its own.
    public var lower: Double
    public var upper: Double
    /// The p-value of `test.alternative` against `test.nullValue`, valid at this look whatever
    /// the looks before it.
    public var pValue: Double
    /// ln Λ of the two-sided mixture against the null value.
    public var logLikelihoodRatio: Double
}

/// An always-valid test of the effect of a candidate: its bounds and p-values stay valid when
/// the experiment is looked at after every batch of traffic and stopped at any look, which a
/// fixed-horizon z-test is not (20 looks at nominal 0.05 reject a true null about 25% of the time).
public struct AlwaysValidTest: Sendable, Hashable, Codable {
    public var method: AlwaysValidMethod
    public var alpha: Double
    /// `.twoSided` gives a two-sided confidence sequence; `.less` or `.greater` a one-sided
    /// test whose lower and upper bounds are each one-sided at level α (GrowthBook's ρ with
    /// 2α, eq. 134) and whose p-value looks in that direction.
    public var alternative: Alternative
    /// θ₀ of the p-value, in the effect's scale.
    public var nullValue: Double
    /// Looks where an arm has fewer units are not counted: the asymptotics need traffic.
    public var minimumUnitsPerArm: Int

    public init(
        method: AlwaysValidMethod = .confidenceSequence(), alpha: Double = 0.05, alternative: Alternative = .twoSided,
        nullValue: Double = 0, minimumUnitsPerArm: Int = 2
    ) {
        precondition(alpha > 0 && alpha < 0.5, "alpha lies in (0, 0.5)")
        precondition(minimumUnitsPerArm >= 2, "an arm needs two units for a variance")
        if case .confidenceSequence(let tuning) = method { precondition(tuning > 0, "N* is positive") }
        if case .mixtureSPRT(let tau) = method { precondition(tau > 0, "τ is positive") }
        self.method = method
        self.alpha = alpha
        self.alternative = alternative
        self.nullValue = nullValue
        self.minimumUnitsPerArm = minimumUnitsPerArm
    }

    public var isOneSided: Bool { alternative != .twoSided }

    /// GrowthBook's ρ (eq. 161): √((−2 ln a + ln(1 − 2 ln a))/N*), with a = α two-sided and
    /// a = 2α one-sided (gbstats `sequential_rho`).
    public static func growthBookRho(alpha: Double, tuningTotalUnits: Double, oneSided: Bool) -> Double {
        let a = oneSided ? 2 * alpha : alpha
        return ((-2 * log(a) + log(1 - 2 * log(a))) / tuningTotalUnits).squareRoot()
    }

    /// τ² of the mixture at this look: fixed for mSPRT, ρ²·N·se² for the confidence sequence.
    public func mixtureVariance(at look: SequentialLook) -> Double {
        switch method {
        case .mixtureSPRT(let tau):
            return tau * tau
        case .confidenceSequence(let tuning):
            let rho = Self.growthBookRho(alpha: alpha, tuningTotalUnits: tuning, oneSided: isOneSided)
            return rho * rho * Double(look.totalUnits) * look.effect.variance
        }
    }

    /// The bounds and p-value of one look, on its own (`AlwaysValidState` keeps them across looks).
    public func evaluate(_ look: SequentialLook) -> AlwaysValidLookResult {
        let variance = look.effect.variance
        let tauSquared = mixtureVariance(at: look)
        let estimate = look.effect.estimate
        let logLambda = NormalMixture.logLikelihoodRatio(
            estimate: estimate, null: nullValue, variance: variance, mixtureVariance: tauSquared)
        let halfWidth: Double
        let pValue: Double
        switch alternative {
        case .twoSided:
            halfWidth = NormalMixture.twoSidedHalfWidth(variance: variance, mixtureVariance: tauSquared, alpha: alpha)
            pValue = min(1, exp(-logLambda))
        case .less, .greater:
            halfWidth = NormalMixture.oneSidedHalfWidth(variance: variance, mixtureVariance: tauSquared, alpha: alpha)
            let distance = alternative == .less ? nullValue - estimate : estimate - nullValue
            pValue = NormalMixture.oneSidedPValue(distance: distance, variance: variance, mixtureVariance: tauSquared)
        }
        return AlwaysValidLookResult(
            estimate: estimate, lower: estimate - halfWidth, upper: estimate + halfWidth, pValue: pValue,
            logLikelihoodRatio: logLambda)
    }
}
