import ExpctlStatistics
import Testing

/// docs/gates-statistics §1: the paired t-test and the Wilcoxon signed-rank test on its vector.
@Suite("Offline gate: the paired tests on the reference vector")
struct OfflineGateVectorTests {
    static let baseline = [0.71, 0.64, 0.80, 0.55, 0.90, 0.62, 0.77, 0.68, 0.59, 0.83, 0.74, 0.66]
    static let candidate = [0.69, 0.60, 0.80, 0.50, 0.88, 0.63, 0.71, 0.68, 0.52, 0.82, 0.70, 0.61]

    @Test func pairedTTestWithoutMargin() throws {
        let differences = RunningMoments(differencesOf: Self.candidate, minus: Self.baseline)
        #expect(isClose(differences.mean, -0.029166666666666684, relative: 1e-14))
        #expect(isClose(differences.standardDeviation, 0.026097137890209465, relative: 1e-14))
        let test = try PairedDegradationTest(differences: differences)
        #expect(isClose(test.statistic, -3.871547046011091, relative: 1e-13))
        #expect(test.degreesOfFreedom == 11)
        #expect(isClose(test.pValue, 0.0013004931724171277, relative: 1e-12), "p = \(test.pValue)")
        #expect(test.showsDegradation(alpha: 0.05))
    }

    @Test func pairedTTestWithMargin() throws {
        let differences = RunningMoments(differencesOf: Self.candidate, minus: Self.baseline)
        let test = try PairedDegradationTest(differences: differences, margin: 0.01)
        #expect(isClose(test.statistic, -2.5441594873787166, relative: 1e-13))
        #expect(isClose(test.pValue, 0.013638628970854084, relative: 1e-12), "p = \(test.pValue)")
    }

    @Test func pairedTTestWithEqualDifferencesHasADefinedOutcome() throws {
        let worse = RunningMoments(Array(repeating: -0.02, count: 5))
        #expect(try PairedDegradationTest(differences: worse, margin: 0.01).pValue == 0)
        #expect(try PairedDegradationTest(differences: worse, margin: 0.01).statistic == -.infinity)
        // On H0's boundary (d̄ + δ = 0, where scipy gives NaN) and above it: no degradation.
        #expect(try PairedDegradationTest(differences: worse, margin: 0.02).pValue == 1)
        #expect(try PairedDegradationTest(differences: RunningMoments([0.5, 0.5]), margin: 0).pValue == 1)
        #expect(throws: StatisticsUnavailable.tooFewObservations(needed: 2, have: 1)) {
            try PairedDegradationTest(differences: RunningMoments([0.1]))
        }
    }

    @Test func wilcoxonAsymptoticWithAndWithoutCorrection() throws {
        let test = try WilcoxonDegradationTest(candidate: Self.candidate, baseline: Self.baseline)
        #expect(test.nonzeroCount == 10)
        #expect(test.zeroCount == 2)
        #expect(test.statistic == 1.5)
        #expect(test.tieCorrection == 24)
        #expect(isClose(test.z, -2.6570758775994996, relative: 1e-14))
        #expect(isClose(test.pValue, 0.0039410850023840847, relative: 1e-12), "p = \(test.pValue)")
        let corrected = try WilcoxonDegradationTest(
            candidate: Self.candidate, baseline: Self.baseline, method: .asymptotic(continuityCorrection: true))
        #expect(isClose(corrected.pValue, 0.0045806137466929955, relative: 1e-12), "p = \(corrected.pValue)")
    }

    @Test func wilcoxonAutomaticTakesThePermutationPathForTwelveRowsWithZeros() throws {
        let test = try WilcoxonDegradationTest(candidate: Self.candidate, baseline: Self.baseline, method: .automatic)
        #expect(test.method == .exact)
        #expect(test.pValue == 0.0029296875)  // 12/4096
    }

    @Test func wilcoxonExactPathWithoutTiesOrZeros() throws {
        let differences = [-0.031, -0.012, 0.004, -0.027, -0.045, 0.009, -0.018, -0.022, 0.015, -0.038]
        let zeros = Array(repeating: 0.0, count: differences.count)
        let test = try WilcoxonDegradationTest(candidate: differences, baseline: zeros, method: .automatic)
        #expect(test.method == .exact)
        #expect(test.statistic == 7)
        #expect(test.pValue == 0.0185546875)
    }

    @Test func wilcoxonWithoutQuantizationWouldSplitTiesByFloatNoise() throws {
        // 0.1 − 0.3 and 0.3 − 0.5 differ in their last bit; rounded to 1e-12 they tie.
        #expect(0.1 - 0.3 != 0.3 - 0.5)
        let test = try WilcoxonDegradationTest(candidate: [0.1, 0.3, 0.5], baseline: [0.3, 0.5, 0.2])
        #expect(test.tieCorrection == 6)
        #expect(test.statistic == 3)  // the two tied ranks share 1.5 each; +0.3 has rank 3
        #expect(throws: StatisticsUnavailable.allDifferencesZero) {
            try WilcoxonDegradationTest(candidate: [0.3, 0.4], baseline: [0.3, 0.4])
        }
    }
}
