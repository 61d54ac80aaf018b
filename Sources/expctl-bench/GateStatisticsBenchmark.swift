import ExpctlStatistics
import Foundation

/// `expctl-bench gates-aa`: the always-valid online gate under repeated looks, by simulation
/// (docs/gates-statistics §5). K seeded experiments, each looked at after every one of 20
/// batches of 500 units per arm (N = 20,000 at the last look), data N(μ, 1):
///
/// - A/A (no effect): how often each gate rejects H0 at some look, and how often it promotes
///   (decides the candidate is better). The always-valid gates must stay at or below α; the
///   naive z-test peeked at every look must show the known inflation (≈0.25 two-sided);
/// - power: how often each gate promotes a candidate that is truly better by 0.04σ (the
///   effect a fixed-horizon test at N = 20,000 has 80% power for) and by 0.06σ;
/// - the time of one evaluation of each gate statistic.
struct GateStatisticsBenchmark {
    var experiments: Int
    var seed: UInt64
    var looks = 20
    var unitsPerArmPerLook = 500
    var alpha = 0.05
    /// The design's total N at the last look, GrowthBook's N*.
    var tuningTotalUnits = 20_000.0
    /// mSPRT's τ: the smallest effect to catch quickly, in σ.
    var tau = 0.04

    static let usage = "usage: expctl-bench gates-aa [--experiments K] [--seed N]"

    /// Parses the arguments after `gates-aa`, runs, and returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        var options = ["--experiments": "1000", "--seed": "1"]
        var rest = arguments[...]
        while rest.count >= 2, options[rest[rest.startIndex]] != nil {
            options[rest[rest.startIndex]] = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard rest.isEmpty, let experiments = Int(options["--experiments"]!), experiments > 0,
            let seed = UInt64(options["--seed"]!)
        else {
            print(usage)
            return 2
        }
        GateStatisticsBenchmark(experiments: experiments, seed: seed).run()
        return 0
    }

    /// The gates compared, each deciding at every look.
    enum Gate: CaseIterable {
        case naiveTwoSided, naiveOneSided, confidenceSequenceTwoSided, confidenceSequenceOneSided, mixtureSPRT
        case fixedHorizonTwoSided, fixedHorizonOneSided

        var label: String {
            switch self {
            case .naiveTwoSided: "naive z two-sided, peeked every look"
            case .naiveOneSided: "naive z one-sided, peeked every look"
            case .confidenceSequenceTwoSided: "always-valid CS two-sided (N* = 20,000)"
            case .confidenceSequenceOneSided: "always-valid CS one-sided (N* = 20,000)"
            case .mixtureSPRT: "always-valid mSPRT two-sided (tau = 0.04)"
            case .fixedHorizonTwoSided: "fixed horizon two-sided, last look only"
            case .fixedHorizonOneSided: "fixed horizon one-sided, last look only"
            }
        }
    }

    /// The first look (1-based) at which a gate rejected H0 and at which it promoted, if any.
    struct Outcome {
        var rejectedAt: Int?
        var promotedAt: Int?
    }

    func run() {
        let simulation = GateTrafficSimulation(unitsPerArmPerLook: unitsPerArmPerLook, looks: looks)
        print(
            "gates-aa: \(experiments) experiments x \(looks) looks x \(unitsPerArmPerLook) units per arm per look "
                + "(N = \(2 * looks * unitsPerArmPerLook) at the last look), seed \(seed), alpha \(alpha)")
        print("  data N(mu, 1) per unit, exact batch simulation (batch sum ~ N(m mu, m), SS ~ chi2(m-1), Chan merge)")
        let effects = [0.0, 0.04, 0.06]
        var outcomes: [Double: [Gate: [Outcome]]] = [:]
        var aaLooks: [SequentialLook] = []
        for effect in effects {
            var byGate: [Gate: [Outcome]] = [:]
            for index in 0..<experiments {
                // The same stream per experiment in every scenario: the effects differ, not the noise.
                var generator = SeededGenerator(seed: seed, index: index)
                let history = simulation.experiment(effect: effect, generator: &generator)
                // Every batch has 500 units and a χ² draw > 0, so both variances are positive.
                let looks = history.map { arms in
                    SequentialLook(
                        effect: try! EffectEstimate(
                            candidate: .numeric(arms.candidate), baseline: .numeric(arms.baseline), scale: .absolute),
                        baselineUnits: arms.baseline.count, candidateUnits: arms.candidate.count)
                }
                if effect == 0 { aaLooks += looks }
                for gate in Gate.allCases { byGate[gate, default: []].append(decide(gate, looks)) }
            }
            outcomes[effect] = byGate
        }
        printRates(outcomes, effects: effects)
        printTimings(aaLooks)
    }

    /// Runs one gate over an experiment's looks, as a reconciler checking on every pass would.
    func decide(_ gate: Gate, _ looks: [SequentialLook]) -> Outcome {
        var outcome = Outcome()
        func record(_ look: Int, rejects: Bool, promotes: Bool) {
            if rejects, outcome.rejectedAt == nil { outcome.rejectedAt = look }
            if promotes, outcome.promotedAt == nil { outcome.promotedAt = look }
        }
        let twoSidedCritical = StandardNormal.quantile(1 - alpha / 2)
        let oneSidedCritical = StandardNormal.quantile(1 - alpha)
        switch gate {
        case .naiveTwoSided, .naiveOneSided, .fixedHorizonTwoSided, .fixedHorizonOneSided:
            let fixed = gate == .fixedHorizonTwoSided || gate == .fixedHorizonOneSided
            let twoSided = gate == .naiveTwoSided || gate == .fixedHorizonTwoSided
            for (index, look) in looks.enumerated() where !fixed || index == looks.count - 1 {
                let z = look.effect.estimate / look.effect.standardError
                let promotes = z > (twoSided ? twoSidedCritical : oneSidedCritical)
                record(index + 1, rejects: twoSided ? abs(z) > twoSidedCritical : promotes, promotes: promotes)
            }
        case .confidenceSequenceTwoSided, .confidenceSequenceOneSided, .mixtureSPRT:
            var state = AlwaysValidState(
                test: test(for: gate), guardrail: NonInferiorityMargin(direction: .higherIsBetter))
            for (index, look) in looks.enumerated() {
                state.update(with: look)
                record(index + 1, rejects: state.rejectsNull, promotes: state.lower > 0)
            }
        }
        return outcome
    }

    func test(for gate: Gate) -> AlwaysValidTest {
        switch gate {
        case .confidenceSequenceOneSided:
            AlwaysValidTest(
                method: .confidenceSequence(tuningTotalUnits: tuningTotalUnits), alpha: alpha, alternative: .greater,
                minimumUnitsPerArm: unitsPerArmPerLook)
        case .mixtureSPRT:
            AlwaysValidTest(method: .mixtureSPRT(tau: tau), alpha: alpha, minimumUnitsPerArm: unitsPerArmPerLook)
        default:
            AlwaysValidTest(
                method: .confidenceSequence(tuningTotalUnits: tuningTotalUnits), alpha: alpha,
                minimumUnitsPerArm: unitsPerArmPerLook)
        }
    }

    private func printRates(_ outcomes: [Double: [Gate: [Outcome]]], effects: [Double]) {
        let k = Double(experiments)
        func rate(_ count: Int) -> String {
            let p = Double(count) / k
            return String(format: "%.3f (%.3f)", p, (p * (1 - p) / k).squareRoot())
        }
        print("rates over the experiments, with their standard errors:")
        print(
            "  gate".padding(toLength: 46, withPad: " ", startingAt: 0)
                + "A/A rejects H0  A/A promotes    power +0.04sd (look)  power +0.06sd (look)")
        for gate in Gate.allCases {
            var line = ("  " + gate.label).padding(toLength: 46, withPad: " ", startingAt: 0)
            let aa = outcomes[0]![gate]!
            line +=
                rate(aa.filter { $0.rejectedAt != nil }.count) + "  " + rate(aa.filter { $0.promotedAt != nil }.count)
            for effect in effects.dropFirst() {
                let promoted = outcomes[effect]![gate]!.compactMap(\.promotedAt)
                let meanLook = promoted.isEmpty ? 0 : Double(promoted.reduce(0, +)) / Double(promoted.count)
                line += "  " + rate(promoted.count) + String(format: " (%4.1f)", meanLook)
            }
            print(line)
        }
        print("  (\"promotes\": the gate decides the candidate is better, i.e. its lower bound or z clears 0;")
        print("   sd = standard deviation of the per-unit metric; (look): mean look of the first promotion)")
    }

    /// The time of one evaluation of each statistic, over the A/A looks, repeated to ~0.2 s.
    private func printTimings(_ looks: [SequentialLook]) {
        let clock = ContinuousClock()
        var checksum = 0.0
        func time(_ label: String, _ body: (SequentialLook) -> Double) {
            var evaluations = 0
            let start = clock.now
            repeat {
                for look in looks { checksum += body(look) }
                evaluations += looks.count
            } while clock.now - start < .milliseconds(200)
            let nanoseconds = (clock.now - start).seconds * 1e9 / Double(evaluations)
            print(
                String(format: "  %@ %8.0f ns", label.padding(toLength: 62, withPad: " ", startingAt: 0), nanoseconds))
        }
        let twoSided = test(for: .confidenceSequenceTwoSided)
        let oneSided = test(for: .confidenceSequenceOneSided)
        let mixture = test(for: .mixtureSPRT)
        let margin = NonInferiorityMargin(direction: .higherIsBetter, maxRegression: 0.05)
        print("time per gate statistic evaluation (release build, one core):")
        time("CS two-sided look: bounds, p-value, ln Lambda") { twoSided.evaluate($0).pValue }
        time("CS one-sided look folded into the persisted state") { look in
            var state = AlwaysValidState(test: oneSided, guardrail: margin)
            return state.update(with: look)?.upper ?? 0
        }
        time("mSPRT look: bounds, p-value, ln Lambda") { mixture.evaluate($0).pValue }
        time("effect and se from two variant summaries (relative)") { look in
            let arm = VariantSummary(units: look.baselineUnits, mean: 1 + look.effect.estimate, variance: 1)
            let baseline = VariantSummary(units: look.baselineUnits, mean: 1, variance: 1)
            return (try? EffectEstimate(candidate: arm, baseline: baseline, scale: .relative))?.standardError ?? 0
        }
        time("paired t-test from streamed moments (df = n - 1 = N - 1)") { look in
            let moments = RunningMoments(
                count: look.totalUnits, mean: look.effect.estimate, sumOfSquaredDeviations: Double(look.totalUnits))
            return (try? PairedDegradationTest(differences: moments, margin: 0.01))?.pValue ?? 0
        }
        time("SRM chi-square, two arms") { look in
            SampleRatioMismatch(observed: [look.baselineUnits, look.candidateUnits + 7], weights: [1, 1]).pValue
        }
        print(String(format: "  (checksum %.6g)", checksum))
    }
}
