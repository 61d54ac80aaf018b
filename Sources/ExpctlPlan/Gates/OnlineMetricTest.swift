import ExpctlModel
import ExpctlStatistics

/// One online metric's always-valid test: the relative effect of the candidate on the metric
/// (the ratio of per-unit sums, by the delta method), folded into the state the last recorded
/// decision left, and read as a goal (must improve) or a guardrail (no worse than its margin).
struct OnlineMetricTest {
    let metric: OnlineMetric
    let gates: OnlineGates

    var direction: ImprovementDirection { metric.direction == .increase ? .higherIsBetter : .lowerIsBetter }
    var isGoal: Bool { metric.maxRegression == nil }

    /// The test as the gate configures it. A confidence sequence is one-sided in the better
    /// direction; mSPRT is used two-sided, the form its validity was checked in.
    var test: AlwaysValidTest {
        let method: AlwaysValidMethod
        let alternative: Alternative
        switch gates.method {
        case .confidenceSequence(let units):
            method = .confidenceSequence(tuningTotalUnits: Double(units))
            alternative = direction == .higherIsBetter ? .greater : .less
        case .msprt(let tau):
            method = .mixtureSPRT(tau: tau)
            alternative = .twoSided
        }
        return AlwaysValidTest(
            method: method, alpha: gates.alpha, alternative: alternative,
            minimumUnitsPerArm: max(2, gates.minUnitsPerVariant))
    }

    var margin: NonInferiorityMargin { NonInferiorityMargin(direction: direction, maxRegression: metric.maxRegression ?? 0) }

    func judge(
        candidate: OnlineVariantData, baseline: OnlineVariantData, previous: AlwaysValidState?
    ) -> (GateCriterion, AlwaysValidState?) {
        let name = metric.name
        guard let candidateSums = candidate.metrics[name], let baselineSums = baseline.metrics[name] else {
            return (GateCriterion(name: name, outcome: .unknown, text: "\(name): no events carry it yet"), previous)
        }
        let effect: EffectEstimate
        do {
            effect = try EffectEstimate(
                candidate: .ratio(candidateSums), baseline: .ratio(baselineSums), scale: .relative)
        } catch {
            return (
                GateCriterion(name: name, outcome: .unknown, text: "\(name): cannot be compared yet (\(Self.why(error)))"),
                previous
            )
        }
        let test = test
        var state = previous.flatMap { $0.test == test && $0.guardrail == margin ? $0 : nil }
            ?? AlwaysValidState(test: test, guardrail: margin)
        state.update(with: SequentialLook(effect: effect, baselineUnits: baseline.units, candidateUnits: candidate.units))
        return (criterion(effect, state), state)
    }

    private func criterion(_ effect: EffectEstimate, _ state: AlwaysValidState) -> GateCriterion {
        let name = metric.name
        let interval = state.looks == 0
            ? "no look counted yet"
            : "[\(GateNumbers.percent(state.lower)), \(GateNumbers.percent(state.upper))] always-valid "
                + "\(GateNumbers.short((1 - gates.alpha) * 100))%"
        let shown = "\(name) \(GateNumbers.percent(effect.estimate)) \(interval)"
        let figures = [
            Figure(name: "\(name).relative_effect", value: effect.estimate),
            Figure(name: "\(name).lower", value: state.lower.isFinite ? state.lower : 0),
            Figure(name: "\(name).upper", value: state.upper.isFinite ? state.upper : 0),
        ]
        let outcome: GateCriterion.Outcome
        let text: String
        if isGoal {
            let improved = direction == .higherIsBetter ? state.lower > 0 : state.upper < 0
            if state.verdict == .fails {
                (outcome, text) = (.unmet, "\(shown): a significant regression")
            } else if improved {
                (outcome, text) = (.met, shown)
            } else {
                (outcome, text) = (.unknown, "\(shown): not yet significant")
            }
        } else {
            let allowed = GateNumbers.percent(direction == .higherIsBetter ? -margin.maxRegression : margin.maxRegression)
            switch state.verdict {
            case .holds: (outcome, text) = (.met, "\(shown): within the \(allowed) allowed")
            case .fails: (outcome, text) = (.unmet, "\(shown): worse than the \(allowed) allowed")
            case .notYetKnown: (outcome, text) = (.unknown, "\(shown): not yet shown within the \(allowed) allowed")
            }
        }
        return GateCriterion(name: name, outcome: outcome, text: text, figures: figures)
    }

    private static func why(_ error: StatisticsUnavailable) -> String {
        switch error {
        case .tooFewObservations(let needed, let have): "\(have) of the \(needed) observations it needs"
        case .zeroVariance: "no variation between units yet"
        case .zeroBaselineMean: "the baseline's mean is 0, so a relative change is undefined"
        case .allDifferencesZero: "every difference is 0"
        }
    }
}
