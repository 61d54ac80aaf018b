import ExpctlStatistics
import Testing

/// docs/gates-statistics §3.
@Suite("Sample-ratio mismatch")
struct SampleRatioMismatchTests {
    @Test(arguments: [
        ([5090, 4910], [0.5, 0.5], 3.24, 0.071860638225851425),
        ([50500, 49500], [0.5, 0.5], 10, 0.001565402258002549),
        ([9000, 1100], [0.9, 0.1], 8.9108910891089117, 0.0028347490802593891),
        ([166080, 171180, 166300], [1, 1, 1], 99.040432123282244, 3.116329865438442e-22),
    ])
    func referenceTable(observed: [Int], weights: [Double], chiSquare: Double, p: Double) {
        let check = SampleRatioMismatch(observed: observed, weights: weights)
        #expect(isClose(check.chiSquare, chiSquare, relative: 1e-12), "χ² = \(check.chiSquare)")
        #expect(isClose(check.pValue, p, relative: 1e-12), "p = \(check.pValue)")
        #expect(check.degreesOfFreedom == observed.count - 1)
        #expect(check.status == (p < 0.001 ? .mismatch : .healthy))
    }

    @Test func armsWithoutWeightAreSkippedButKeepTheirDegreeOfFreedom() {
        let withIdleArm = SampleRatioMismatch(observed: [5090, 4910, 0], weights: [0.5, 0.5, 0])
        #expect(withIdleArm.chiSquare == SampleRatioMismatch(observed: [5090, 4910], weights: [0.5, 0.5]).chiSquare)
        #expect(withIdleArm.degreesOfFreedom == 2)
        #expect(isClose(withIdleArm.pValue, ChiSquare.survival(3.24, degreesOfFreedom: 2), relative: 1e-12))
    }

    @Test func noTrafficIsNoMismatchAndLittleTrafficIsNotEnough() {
        let none = SampleRatioMismatch(observed: [0, 0], weights: [0.5, 0.5])
        #expect(none.pValue == 1)
        #expect(none.status == .notEnoughTraffic)
        // 15 units < 8 per arm, however lopsided.
        #expect(SampleRatioMismatch(observed: [15, 0], weights: [0.5, 0.5]).status == .notEnoughTraffic)
        #expect(SampleRatioMismatch(observed: [16, 0], weights: [0.5, 0.5]).status == .mismatch)
    }
}
