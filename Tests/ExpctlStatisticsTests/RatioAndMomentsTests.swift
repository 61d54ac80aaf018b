import ExpctlStatistics
import Testing

@Suite("Streaming moments and ratio metrics")
struct RatioAndMomentsTests {
    @Test func welfordMatchesTheTwoPassFormulaAndChanMergesExactly() {
        let values = (0..<1000).map { 1e6 + Double(($0 * 7919) % 1009) / 100 }
        let twoPassMean = values.reduce(0, +) / Double(values.count)
        let twoPassM2 = values.reduce(0) { $0 + ($1 - twoPassMean) * ($1 - twoPassMean) }
        let streamed = RunningMoments(values)
        #expect(isClose(streamed.mean, twoPassMean, relative: 1e-15))
        #expect(isClose(streamed.sumOfSquaredDeviations, twoPassM2, relative: 1e-10))
        let merged = RunningMoments(values[..<317]).merged(with: RunningMoments(values[317...]))
        #expect(merged.count == 1000)
        #expect(isClose(merged.mean, twoPassMean, relative: 1e-15))
        #expect(isClose(merged.sumOfSquaredDeviations, twoPassM2, relative: 1e-10))
        #expect(RunningMoments().merged(with: streamed) == streamed)
        #expect(RunningMoments([3]).variance == 0)
    }

    /// Oracle: gbstats @ 8f1db44 `RatioStatistic` and `TwoSidedTTest`/`SequentialTwoSidedTTest`
    /// (N* = 5000) on these sums (per-unit Poisson(4)+1 generated plans, binomially accepted).
    static let baseline = RatioSums(
        units: 2000, numeratorSum: 2991, denominatorSum: 9860, numeratorSumOfSquares: 7369,
        denominatorSumOfSquares: 56440, sumOfProducts: 17140)
    static let candidate = RatioSums(
        units: 2100, numeratorSum: 2939, denominatorSum: 10510, numeratorSumOfSquares: 7011,
        denominatorSumOfSquares: 60964, sumOfProducts: 17170)

    @Test func ratioMetricByTheDeltaMethodAsGrowthBook() throws {
        let baseline = VariantSummary.ratio(Self.baseline)
        let candidate = VariantSummary.ratio(Self.candidate)
        #expect(isClose(baseline.mean, 0.3033468559837728, relative: 1e-15))
        #expect(isClose(baseline.variance, 0.04453674729487735, relative: 1e-12))
        #expect(isClose(candidate.mean, 0.2796384395813511, relative: 1e-15))
        #expect(isClose(candidate.variance, 0.04137818241460124, relative: 1e-12))

        let test = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 5000))
        let expected: [(EffectScale, Double, Double, Double, Double, Double)] = [
            (
                .absolute, -0.023708416402421717, 0.006478600931940787, -0.04339936134222615, -0.004017471462617286,
                0.008261816456574568
            ),
            (
                .relative, -0.07815613030019329, 0.02048842884775222, -0.14042829810036875, -0.01588396250001784,
                0.004998127830063199
            ),
        ]
        for (scale, estimate, standardError, lower, upper, p) in expected {
            let effect = try EffectEstimate(candidate: candidate, baseline: baseline, scale: scale)
            #expect(isClose(effect.estimate, estimate, relative: 1e-13))
            #expect(isClose(effect.standardError, standardError, relative: 1e-12))
            let result = test.evaluate(SequentialLook(effect: effect, baselineUnits: 2000, candidateUnits: 2100))
            #expect(isClose(result.lower, lower, relative: 1e-12))
            #expect(isClose(result.upper, upper, relative: 1e-11))
            #expect(isClose(result.pValue, p, relative: 1e-11), "\(scale): p = \(result.pValue)")
        }
    }

    @Test func aRatioOverOneUnitDenominatorsIsTheNumericMean() {
        let values: [Double] = [2, 5, 1, 7, 4, 4, 0, 9]
        let ratio = VariantSummary.ratio(RatioSums(values.map { (numerator: $0, denominator: 1.0) }))
        let numeric = VariantSummary.numeric(RunningMoments(values))
        #expect(isClose(ratio.mean, numeric.mean, relative: 1e-15))
        #expect(isClose(ratio.variance, numeric.variance, relative: 1e-13))
        #expect(VariantSummary.ratio(RatioSums([(numerator: 1.0, denominator: 0.0)])).variance == 0)
    }
}
