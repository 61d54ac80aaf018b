/// How an effect is expressed: the difference of the means, or that difference relative to
/// the baseline's mean (a relative margin such as `max_regression: 0.05` needs `.relative`).
public enum EffectScale: String, Sendable, Hashable, Codable, CaseIterable {
    case absolute
    case relative
}

/// The candidate's effect against the baseline and its standard error (docs/gates-statistics
/// §2; gbstats `frequentist_diff` and `frequentist_variance`).
public struct EffectEstimate: Sendable, Hashable, Codable {
    public var estimate: Double
    public var standardError: Double
    public var scale: EffectScale

    public init(estimate: Double, standardError: Double, scale: EffectScale) {
        self.estimate = estimate
        self.standardError = standardError
        self.scale = scale
    }

    /// - absolute: Δ̂ = m_B − m_A, se² = v_B/n_B + v_A/n_A;
    /// - relative: Δ̂ = (m_B − m_A)/|m_A|, se² = v_B/(n_B m_A²) + v_A m_B²/(n_A m_A⁴), the delta
    ///   method (`variance_of_ratios` of the two means, with no covariance between arms).
    ///
    /// Throws where GrowthBook reports p = 1: a variance ≤ 0 in either arm, or a zero baseline
    /// mean for a relative effect.
    public init(candidate: VariantSummary, baseline: VariantSummary, scale: EffectScale) throws(StatisticsUnavailable) {
        guard candidate.units >= 2, baseline.units >= 2 else {
            throw .tooFewObservations(needed: 2, have: min(candidate.units, baseline.units))
        }
        guard candidate.variance > 0, baseline.variance > 0 else { throw .zeroVariance }
        let candidateMeanVariance = candidate.variance / Double(candidate.units)
        let baselineMeanVariance = baseline.variance / Double(baseline.units)
        switch scale {
        case .absolute:
            estimate = candidate.mean - baseline.mean
            standardError = (candidateMeanVariance + baselineMeanVariance).squareRoot()
        case .relative:
            guard baseline.mean != 0 else { throw .zeroBaselineMean }
            estimate = (candidate.mean - baseline.mean) / abs(baseline.mean)
            standardError = varianceOfRatio(
                numeratorMean: candidate.mean, numeratorVariance: candidateMeanVariance,
                denominatorMean: baseline.mean, denominatorVariance: baselineMeanVariance, covariance: 0
            ).squareRoot()
        }
        self.scale = scale
    }

    public var variance: Double { standardError * standardError }
}
