import ExpctlStatistics
import Foundation
import Testing

@Suite("The always-valid state kept between reconcile passes, and guardrails")
struct AlwaysValidStateTests {
    static let test = AlwaysValidTest(
        method: .confidenceSequence(tuningTotalUnits: 10_000), alternative: .less, minimumUnitsPerArm: 100)

    /// Proportions `baseline`/n against `candidate`/n per arm.
    static func look(units: Int, baselineRate: Double, candidateRate: Double) throws -> SequentialLook {
        let baseline = VariantSummary.proportion(units: units, successes: baselineRate * Double(units))
        let candidate = VariantSummary.proportion(units: units, successes: candidateRate * Double(units))
        return SequentialLook(
            effect: try EffectEstimate(candidate: candidate, baseline: baseline, scale: .relative),
            baselineUnits: units, candidateUnits: units)
    }

    @Test func passesWithoutNewUnitsOrWithTooFewAddNoLook() throws {
        var state = AlwaysValidState(test: Self.test, guardrail: NonInferiorityMargin(direction: .higherIsBetter))
        #expect(state.update(with: try Self.look(units: 50, baselineRate: 0.8, candidateRate: 0.7)) == nil)
        #expect(state.looks == 0)
        let first = try Self.look(units: 1000, baselineRate: 0.8, candidateRate: 0.79)
        #expect(state.update(with: first) != nil)
        let afterFirst = state
        #expect(state.update(with: first) == nil)
        #expect(state == afterFirst)
        #expect(state.looks == 1)
        #expect(state.updated(with: try Self.look(units: 2000, baselineRate: 0.8, candidateRate: 0.79)).looks == 2)
        #expect(state.looks == 1)
    }

    @Test func boundsIntersectAcrossLooksAndPIsTheRunningMinimum() throws {
        var state = AlwaysValidState(test: Self.test, guardrail: NonInferiorityMargin(direction: .higherIsBetter))
        var results: [AlwaysValidLookResult] = []
        for (units, rate) in [(1000, 0.78), (2000, 0.795), (3000, 0.77), (4000, 0.80)] {
            results.append(
                try #require(state.update(with: try Self.look(units: units, baselineRate: 0.8, candidateRate: rate))))
        }
        #expect(state.looks == 4)
        #expect(state.lower == results.map(\.lower).max())
        #expect(state.upper == results.map(\.upper).min())
        #expect(state.minimumPValue == results.map(\.pValue).min())
        // The last look alone is centred on 0; the intersection remembers the third.
        #expect(state.upper < results[3].upper)
    }

    @Test func theStateSurvivesAJSONRoundTripBeforeAndAfterLooks() throws {
        var state = AlwaysValidState(test: Self.test, guardrail: NonInferiorityMargin(direction: .lowerIsBetter))
        let encoder = JSONEncoder()
        #expect(try JSONDecoder().decode(AlwaysValidState.self, from: encoder.encode(state)) == state)
        state.update(with: try Self.look(units: 1000, baselineRate: 0.8, candidateRate: 0.78))
        let decoded = try JSONDecoder().decode(AlwaysValidState.self, from: encoder.encode(state))
        #expect(decoded == state)
        #expect(decoded.lower.isFinite && decoded.upper.isFinite)
    }

    @Test func failedIsStickyAfterASignificantRegression() throws {
        var state = AlwaysValidState(
            test: Self.test, guardrail: NonInferiorityMargin(direction: .higherIsBetter, maxRegression: 0.02))
        state.update(with: try Self.look(units: 5000, baselineRate: 0.8, candidateRate: 0.72))
        #expect(state.failed)
        #expect(state.verdict == .fails)
        #expect(state.rejectsNull)
        // Later traffic that looks fine cannot clear it.
        state.update(with: try Self.look(units: 200_000, baselineRate: 0.8, candidateRate: 0.81))
        #expect(state.failed)
        #expect(state.verdict == .fails)
    }

    @Test func guardrailHoldsOnceTheBadSideBoundClearsTheMargin() throws {
        var state = AlwaysValidState(
            test: Self.test, guardrail: NonInferiorityMargin(direction: .higherIsBetter, maxRegression: 0.05))
        state.update(with: try Self.look(units: 500, baselineRate: 0.8, candidateRate: 0.8))
        #expect(state.verdict == .notYetKnown)
        state.update(with: try Self.look(units: 20_000, baselineRate: 0.8, candidateRate: 0.8))
        #expect(state.verdict == .holds)
        #expect(!state.failed)
    }

    @Test(arguments: [
        // (direction, margin, lower, upper, verdict)
        (ImprovementDirection.higherIsBetter, 0.05, -0.04, 0.02, NonInferiorityVerdict.holds),
        (.higherIsBetter, 0.05, -0.09, -0.06, .fails),
        (.higherIsBetter, 0.05, -0.07, 0.01, .notYetKnown),
        (.lowerIsBetter, 0.05, -0.02, 0.04, .holds),
        (.lowerIsBetter, 0.05, 0.06, 0.09, .fails),
        (.lowerIsBetter, 0.05, 0.01, 0.07, .notYetKnown),
        (.higherIsBetter, 0.0, 0.01, -0.01, .fails),
    ])
    func nonInferiorityVerdicts(
        direction: ImprovementDirection, margin: Double, lower: Double, upper: Double, verdict: NonInferiorityVerdict
    ) {
        #expect(
            NonInferiorityMargin(direction: direction, maxRegression: margin).verdict(lower: lower, upper: upper)
                == verdict)
    }
}
