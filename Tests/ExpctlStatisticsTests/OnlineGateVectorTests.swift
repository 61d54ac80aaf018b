import ExpctlStatistics
import Foundation
import Testing

/// docs/gates-statistics §2: GrowthBook's confidence sequence and mSPRT on their vectors.
@Suite("Online gate: confidence sequences and mSPRT on the reference vectors")
struct OnlineGateVectorTests {
    /// GrowthBook's own unit test (gbstats tests/frequentist/test_tests.py).
    static let growthBookBaseline = VariantSummary.numeric(units: 3000, sum: 1396.87, sumOfSquares: 52377.9767)
    static let growthBookCandidate = VariantSummary.numeric(units: 3461, sum: 2422.7, sumOfSquares: 134698.29)
    /// The gate example: 4000/5000 against 3850/5000.
    static let gateBaseline = VariantSummary.proportion(units: 5000, successes: 4000)
    static let gateCandidate = VariantSummary.proportion(units: 5000, successes: 3850)

    static func look(_ scale: EffectScale, candidate: VariantSummary, baseline: VariantSummary) throws
        -> SequentialLook
    {
        SequentialLook(
            effect: try EffectEstimate(candidate: candidate, baseline: baseline, scale: scale),
            baselineUnits: baseline.units, candidateUnits: candidate.units)
    }

    @Test func growthBookUnitTestVector() throws {
        let look = try Self.look(.relative, candidate: Self.growthBookCandidate, baseline: Self.growthBookBaseline)
        #expect(isClose(look.effect.estimate, 0.50336108585623585, relative: 1e-13))
        #expect(isClose(look.effect.standardError, 0.33341221464007348, relative: 1e-12))
        let rho = AlwaysValidTest.growthBookRho(alpha: 0.05, tuningTotalUnits: 1000, oneSided: false)
        #expect(isClose(rho, 0.089085097528922116, relative: 1e-14))
        let result = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 1000)).evaluate(look)
        #expect(isClose(result.upper - result.estimate, 1.0618015909639673, relative: 1e-12))
        #expect(isClose(result.lower, -0.55844050510773147, relative: 1e-12))
        #expect(isClose(result.upper, 1.5651626768202032, relative: 1e-12))
        #expect(isClose(exp(result.logLikelihoodRatio), 0.4229809413600123, relative: 1e-12))
        #expect(result.pValue == 1)
    }

    @Test func gateExampleAbsoluteTwoSided() throws {
        let look = try Self.look(.absolute, candidate: Self.gateCandidate, baseline: Self.gateBaseline)
        #expect(isClose(look.effect.estimate, -0.03, relative: 1e-13))
        #expect(isClose(look.effect.standardError, 0.0082109682742049356, relative: 1e-14))
        let rho = AlwaysValidTest.growthBookRho(alpha: 0.05, tuningTotalUnits: 10_000, oneSided: false)
        #expect(isClose(rho, 0.028171181376963169, relative: 1e-14))
        let result = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 10_000)).evaluate(look)
        #expect(isClose(result.upper - result.estimate, 0.024922004725561005, relative: 1e-12))
        #expect(isClose(result.lower, -0.054922004725561031, relative: 1e-12))
        #expect(isClose(result.upper, -0.0050779952744390219, relative: 1e-11))
        #expect(isClose(exp(result.logLikelihoodRatio), 125.53772483088953, relative: 1e-12))
        #expect(isClose(result.pValue, 0.0079657330204692556, relative: 1e-12), "p = \(result.pValue)")
    }

    @Test func gateExampleOneSided() throws {
        let look = try Self.look(.absolute, candidate: Self.gateCandidate, baseline: Self.gateBaseline)
        let rho = AlwaysValidTest.growthBookRho(alpha: 0.05, tuningTotalUnits: 10_000, oneSided: true)
        #expect(isClose(rho, 0.025157224817726288, relative: 1e-14))
        let test = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 10_000), alternative: .less)
        let result = test.evaluate(look)
        #expect(isClose(result.upper - result.estimate, 0.022819054597185154, relative: 1e-12))
        #expect(isClose(result.upper, -0.0071809454028148728, relative: 1e-11))
        // The closed-form p is the exact root of upper(α) = 0; gbstats bisects to within 1e-6 of
        // the bound and reports 0.004260544776916503.
        #expect(abs(result.pValue - 0.004260544776916503) < 2e-6, "p = \(result.pValue)")
        // At α = p, with ρ₁ held at its value for α = 0.05 as gbstats holds it, the bound is 0.
        let halfWidthAtRoot = NormalMixture.oneSidedHalfWidth(
            variance: look.effect.variance, mixtureVariance: test.mixtureVariance(at: look), alpha: result.pValue)
        #expect(abs(look.effect.estimate + halfWidthAtRoot) < 1e-15)
        let greater = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 10_000), alternative: .greater)
        #expect(greater.evaluate(look).pValue == 1)
    }

    @Test func gateExampleRelative() throws {
        let look = try Self.look(.relative, candidate: Self.gateCandidate, baseline: Self.gateBaseline)
        #expect(isClose(look.effect.estimate, -0.0375, relative: 1e-13))
        #expect(isClose(look.effect.standardError, 0.010082859837367569, relative: 1e-13))
        let result = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 10_000)).evaluate(look)
        #expect(isClose(result.lower, -0.068103586827081716, relative: 1e-12))
        #expect(isClose(result.upper, -0.0068964131729183503, relative: 1e-11))
        #expect(isClose(result.pValue, 0.0064275913564780804, relative: 1e-12), "p = \(result.pValue)")
    }

    @Test(arguments: [
        (0.02, 114.85867225608304, 0.0087063517308510318),
        (0.01, 34.190382982762102, 0.029247990597361072),
        (0.05, 107.7104392981111, 0.0092841511604301562),
    ])
    func mixtureSPRT(tau: Double, lambda: Double, p: Double) throws {
        let look = try Self.look(.absolute, candidate: Self.gateCandidate, baseline: Self.gateBaseline)
        #expect(isClose(look.effect.variance, 6.7419999999999975e-05, relative: 1e-14))
        let result = AlwaysValidTest(method: .mixtureSPRT(tau: tau)).evaluate(look)
        #expect(isClose(exp(result.logLikelihoodRatio), lambda, relative: 1e-12))
        #expect(isClose(result.pValue, p, relative: 1e-12), "p = \(result.pValue)")
        if tau == 0.02 {
            #expect(isClose(result.logLikelihoodRatio, 4.7437024356974149, relative: 1e-14))
            #expect(isClose(result.upper - result.estimate, 0.024991540419389179, relative: 1e-12))
            #expect(result.logLikelihoodRatio >= log(20))
        }
    }

    @Test func growthBookIsTheMixtureWithTauSquaredRhoSquaredNSeSquared() throws {
        let look = try Self.look(.absolute, candidate: Self.gateCandidate, baseline: Self.gateBaseline)
        let test = AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 10_000))
        #expect(isClose(test.mixtureVariance(at: look), 0.00053505554324914629, relative: 1e-13))
        let mixture = AlwaysValidTest(method: .mixtureSPRT(tau: test.mixtureVariance(at: look).squareRoot()))
        #expect(isClose(exp(mixture.evaluate(look).logLikelihoodRatio), 125.53772483088963, relative: 1e-13))
        #expect(isClose(mixture.evaluate(look).lower, test.evaluate(look).lower, relative: 1e-13))
    }

    @Test func effectsAreUnavailableWhereGrowthBookReturnsPEqualOne() {
        let flat = VariantSummary.proportion(units: 100, successes: 0)
        let some = VariantSummary.proportion(units: 100, successes: 10)
        #expect(throws: StatisticsUnavailable.zeroVariance) {
            try EffectEstimate(candidate: some, baseline: flat, scale: .absolute)
        }
        let zeroMean = VariantSummary(units: 100, mean: 0, variance: 1)
        #expect(throws: StatisticsUnavailable.zeroBaselineMean) {
            try EffectEstimate(candidate: some, baseline: zeroMean, scale: .relative)
        }
    }
}
