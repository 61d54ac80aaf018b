import ExpctlStatistics
import Foundation
import Testing

/// The oracles of docs/gates-statistics §4, from scipy 1.17.1.
@Suite("Distributions against the scipy oracles")
struct DistributionTests {
    @Test(arguments: [
        (-3.0, 0.0013498980316300933),
        (-8.0, 6.2209605742717405e-16),
    ])
    func normalLowerTail(x: Double, expected: Double) {
        let actual = StandardNormal.cdf(x)
        #expect(isClose(actual, expected, relative: 1e-13), "Φ(\(x)) = \(actual)")
        #expect(isClose(StandardNormal.survival(-x), expected, relative: 1e-13))
    }

    @Test func normalTailsAreComputedDirectlyNotAsOneMinus() {
        // 1 − Φ(9) would be 0 in a Double; the survival function keeps it.
        let upper = StandardNormal.survival(9)
        #expect(upper > 1e-19 && upper < 1.2e-19)
        #expect(StandardNormal.cdf(0) == 0.5)
    }

    @Test(arguments: [
        (0.975, 1.959963984540054),
        (1e-10, -6.3613409024040557),
    ])
    func normalQuantile(p: Double, expected: Double) {
        let actual = StandardNormal.quantile(p)
        #expect(isClose(actual, expected, relative: 1e-15), "Φ⁻¹(\(p)) = \(actual)")
    }

    @Test func normalQuantileInvertsTheCDFInEveryBranchOfAS241() {
        // The central (|p − ½| ≤ 0.425), intermediate (r ≤ 5) and far-tail branches.
        for p in [0.5, 0.3, 0.9, 0.01, 1e-5, 1e-12, 1e-50, 1e-300] {
            let x = StandardNormal.quantile(p)
            #expect(isClose(StandardNormal.cdf(x), p, relative: 1e-12), "Φ(Φ⁻¹(\(p))) = \(StandardNormal.cdf(x))")
            if p > 1e-10 { #expect(isClose(StandardNormal.quantile(1 - p), -x, relative: 1e-12)) }
        }
        #expect(StandardNormal.quantile(0) == -.infinity)
        #expect(StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
    }

    @Test(arguments: [
        (-2.1, 9.0, 0.032559141206075982),
        (-1.5, 2.5, 0.12391822654314809),
        (-6.0, 1000.0, 1.3776845866887376e-09),
    ])
    func studentTLowerTail(t: Double, nu: Double, expected: Double) {
        let actual = StudentT.cdf(t, degreesOfFreedom: nu)
        #expect(isClose(actual, expected, relative: 1e-13), "F_t(\(t); \(nu)) = \(actual)")
        #expect(isClose(StudentT.survival(-t, degreesOfFreedom: nu), expected, relative: 1e-13))
        #expect(isClose(StudentT.cdf(-t, degreesOfFreedom: nu), 1 - expected, relative: 1e-15))
    }

    @Test func studentTWithOneDegreeOfFreedomIsCauchy() {
        for t in [-30.0, -2, -0.5, 0.25, 4] {
            let cauchy = 0.5 + atan(t) / Double.pi
            #expect(isClose(StudentT.cdf(t, degreesOfFreedom: 1), cauchy, relative: 1e-14))
        }
    }

    @Test(arguments: [
        (30.0, 10.0, 0.00085664121077530097),
        (400.0, 3.0, 2.2138865931011112e-86),
        (10.827566170662733, 1.0, 0.001),
    ])
    func chiSquareSurvival(x: Double, k: Double, expected: Double) {
        let actual = ChiSquare.survival(x, degreesOfFreedom: k)
        #expect(isClose(actual, expected, relative: 1e-13), "Q_χ²(\(x); \(k)) = \(actual)")
    }

    @Test func chiSquareIdentitiesWithOneAndTwoDegreesOfFreedom() {
        // Both sides of the series/continued-fraction switch at x = a + 1.
        for x in [0.01, 0.7, 2.5, 3.1, 9, 40, 300] {
            #expect(isClose(ChiSquare.survival(x, degreesOfFreedom: 1), erfc((x / 2).squareRoot()), relative: 1e-13))
            #expect(isClose(ChiSquare.survival(x, degreesOfFreedom: 2), exp(-x / 2), relative: 1e-13))
        }
        #expect(ChiSquare.survival(0, degreesOfFreedom: 3) == 1)
    }
}
