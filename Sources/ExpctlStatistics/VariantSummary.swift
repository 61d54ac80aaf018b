/// One variant's metric over its units: how many, the mean, and the per-unit variance whose
/// ratio to `units` is the variance of the mean. GrowthBook's `Statistic.n/mean/variance`
/// (gbstats `models/statistics.py`).
public struct VariantSummary: Sendable, Hashable, Codable {
    public var units: Int
    public var mean: Double
    public var variance: Double

    public init(units: Int, mean: Double, variance: Double) {
        precondition(units >= 0, "a count of units is never negative")
        self.units = units
        self.mean = mean
        self.variance = variance
    }

    /// A numeric metric from Σx and Σx² over the units (`SampleMeanStatistic`): the unbiased
    /// variance (Σx² − (Σx)²/n)/(n − 1), zero with fewer than two units.
    public static func numeric(units: Int, sum: Double, sumOfSquares: Double) -> VariantSummary {
        let mean = units == 0 ? 0 : sum / Double(units)
        let variance = units <= 1 ? 0 : (sumOfSquares - sum * sum / Double(units)) / Double(units - 1)
        return VariantSummary(units: units, mean: mean, variance: variance)
    }

    /// A numeric metric from streamed moments, without the cancellation of the sums form.
    public static func numeric(_ moments: RunningMoments) -> VariantSummary {
        VariantSummary(units: moments.count, mean: moments.mean, variance: moments.variance)
    }

    /// A proportion, successes out of units (`ProportionStatistic`): variance m(1 − m).
    public static func proportion(units: Int, successes: Double) -> VariantSummary {
        precondition(successes >= 0 && successes <= Double(units), "successes lie between 0 and the units")
        let mean = units == 0 ? 0 : successes / Double(units)
        return VariantSummary(units: units, mean: mean, variance: mean * (1 - mean))
    }

    /// A ratio of two per-unit sums, e.g. accepted plans over generated plans per household
    /// (`RatioStatistic`). The estimate is ΣM/ΣD, the ratio of the means, and its per-unit
    /// variance is the delta method's (`variance_of_ratios` in gbstats `utils.py`):
    ///
    ///     Var(M̄/D̄)·n ≈ σ²_M/μ_D² + σ²_D·μ_M²/μ_D⁴ − 2·σ_MD·μ_M/μ_D³
    ///
    /// with the unbiased per-unit variances and covariance. Zero (so no test) when the
    /// denominator's mean is zero or there are fewer than two units.
    public static func ratio(_ sums: RatioSums) -> VariantSummary {
        let n = Double(sums.units)
        guard sums.units > 1, sums.denominatorSum != 0 else {
            let mean = sums.denominatorSum == 0 ? 0 : sums.numeratorSum / sums.denominatorSum
            return VariantSummary(units: sums.units, mean: mean, variance: 0)
        }
        let numeratorMean = sums.numeratorSum / n
        let denominatorMean = sums.denominatorSum / n
        let numeratorVariance = (sums.numeratorSumOfSquares - sums.numeratorSum * sums.numeratorSum / n) / (n - 1)
        let denominatorVariance =
            (sums.denominatorSumOfSquares - sums.denominatorSum * sums.denominatorSum / n) / (n - 1)
        let covariance = (sums.sumOfProducts - sums.numeratorSum * sums.denominatorSum / n) / (n - 1)
        return VariantSummary(
            units: sums.units, mean: sums.numeratorSum / sums.denominatorSum,
            variance: varianceOfRatio(
                numeratorMean: numeratorMean, numeratorVariance: numeratorVariance, denominatorMean: denominatorMean,
                denominatorVariance: denominatorVariance, covariance: covariance))
    }

    /// The standard error of the mean, √(variance/units).
    public var standardError: Double {
        units == 0 || variance <= 0 ? 0 : (variance / Double(units)).squareRoot()
    }
}

/// The per-unit sums of a ratio metric M/D over one variant's units.
public struct RatioSums: Sendable, Hashable, Codable {
    public var units: Int
    public var numeratorSum: Double
    public var denominatorSum: Double
    public var numeratorSumOfSquares: Double
    public var denominatorSumOfSquares: Double
    /// Σ M·D over the units.
    public var sumOfProducts: Double

    public init(
        units: Int, numeratorSum: Double, denominatorSum: Double, numeratorSumOfSquares: Double,
        denominatorSumOfSquares: Double, sumOfProducts: Double
    ) {
        self.units = units
        self.numeratorSum = numeratorSum
        self.denominatorSum = denominatorSum
        self.numeratorSumOfSquares = numeratorSumOfSquares
        self.denominatorSumOfSquares = denominatorSumOfSquares
        self.sumOfProducts = sumOfProducts
    }

    /// The sums of per-unit (numerator, denominator) pairs.
    public init(_ pairs: some Sequence<(numerator: Double, denominator: Double)>) {
        self.init(
            units: 0, numeratorSum: 0, denominatorSum: 0, numeratorSumOfSquares: 0, denominatorSumOfSquares: 0,
            sumOfProducts: 0)
        for (m, d) in pairs {
            units += 1
            numeratorSum += m
            denominatorSum += d
            numeratorSumOfSquares += m * m
            denominatorSumOfSquares += d * d
            sumOfProducts += m * d
        }
    }
}

/// The delta method's variance of M/D from the means, variances and covariance of M and D:
/// gbstats `variance_of_ratios`, zero when the denominator's mean is zero.
func varianceOfRatio(
    numeratorMean: Double, numeratorVariance: Double, denominatorMean: Double, denominatorVariance: Double,
    covariance: Double
) -> Double {
    guard denominatorMean != 0 else { return 0 }
    let d2 = denominatorMean * denominatorMean
    return numeratorVariance / d2 + denominatorVariance * numeratorMean * numeratorMean / (d2 * d2)
        - 2 * covariance * numeratorMean / (d2 * denominatorMean)
}
