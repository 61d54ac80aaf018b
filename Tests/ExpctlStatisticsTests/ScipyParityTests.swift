import ExpctlStatistics
import Testing

/// Agreement with scipy.stats to 1e-9 relative (the parity rule of docs/gates-statistics §4)
/// on seeded random inputs; see ScipyReference for live against committed.
@Suite("Parity with scipy.stats on random inputs")
struct ScipyParityTests {
    static let tolerance = 1e-9

    func reference() throws -> ScipyReference {
        try ScipyReference.loaded.get().0
    }

    @Test func normalDistribution() throws {
        let reference = try reference()
        for c in reference.normalCdf {
            #expect(isClose(StandardNormal.cdf(c.x), c.cdf, relative: Self.tolerance), "Φ(\(c.x))")
            #expect(isClose(StandardNormal.survival(c.x), c.sf, relative: Self.tolerance), "1 − Φ(\(c.x))")
        }
        for c in reference.normalQuantile {
            #expect(isClose(StandardNormal.quantile(c.p), c.ppf, relative: Self.tolerance), "Φ⁻¹(\(c.p))")
        }
    }

    @Test func studentT() throws {
        for c in try reference().studentT {
            let cdf = StudentT.cdf(c.t, degreesOfFreedom: c.df)
            let sf = StudentT.survival(c.t, degreesOfFreedom: c.df)
            #expect(
                isClose(cdf, c.cdf, relative: Self.tolerance), "t.cdf(\(c.t), \(c.df)): \(relativeError(cdf, c.cdf))")
            #expect(isClose(sf, c.sf, relative: Self.tolerance), "t.sf(\(c.t), \(c.df)): \(relativeError(sf, c.sf))")
        }
    }

    @Test func chiSquare() throws {
        for c in try reference().chiSquare {
            let sf = ChiSquare.survival(c.x, degreesOfFreedom: c.df)
            #expect(isClose(sf, c.sf, relative: Self.tolerance), "chi2.sf(\(c.x), \(c.df)): \(relativeError(sf, c.sf))")
        }
    }

    @Test func pairedTTest() throws {
        for c in try reference().pairedT {
            let test = try PairedDegradationTest(
                differences: RunningMoments(differencesOf: c.candidate, minus: c.baseline), margin: c.delta)
            #expect(isClose(test.statistic, c.statistic, relative: Self.tolerance))
            #expect(Double(test.degreesOfFreedom) == c.df)
            #expect(isClose(test.pValue, c.pvalue, relative: Self.tolerance), "\(relativeError(test.pValue, c.pvalue))")
        }
    }

    @Test func wilcoxonAsymptotic() throws {
        for c in try reference().wilcoxonAsymptotic {
            let plain = try WilcoxonDegradationTest(candidate: c.candidate, baseline: c.baseline, margin: c.delta)
            let corrected = try WilcoxonDegradationTest(
                candidate: c.candidate, baseline: c.baseline, margin: c.delta,
                method: .asymptotic(continuityCorrection: true))
            #expect(plain.statistic == c.statistic)
            #expect(isClose(plain.pValue, c.pvalue, relative: Self.tolerance))
            #expect(isClose(corrected.pValue, try #require(c.pvalueCorrected), relative: Self.tolerance))
        }
    }

    @Test func wilcoxonAutomaticExactAndPermutationPaths() throws {
        for c in try reference().wilcoxonAutomatic {
            let test = try WilcoxonDegradationTest(candidate: c.candidate, baseline: c.baseline, method: .automatic)
            #expect(test.method == .exact)
            #expect(test.statistic == c.statistic)
            #expect(isClose(test.pValue, c.pvalue, relative: Self.tolerance), "n = \(c.candidate.count)")
        }
    }

    @Test func sampleRatioMismatch() throws {
        for c in try reference().chiSquareGoodnessOfFit {
            let check = SampleRatioMismatch(observed: c.observed, weights: c.weights)
            #expect(isClose(check.chiSquare, c.statistic, relative: Self.tolerance))
            #expect(isClose(check.pValue, c.pvalue, relative: Self.tolerance), "\(c.observed)")
        }
    }
}
