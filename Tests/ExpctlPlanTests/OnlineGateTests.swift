import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import Testing

@Suite("The online gate")
struct OnlineGateTests {
    /// Acceptance as a ratio metric with one plan per unit: `accepted` of `units`.
    static func acceptance(units: Int, accepted: Int) -> RatioSums {
        RatioSums(
            units: units, numeratorSum: Double(accepted), denominatorSum: Double(units),
            numeratorSumOfSquares: Double(accepted), denominatorSumOfSquares: Double(units),
            sumOfProducts: Double(accepted))
    }

    static func variant(_ name: String, units: Int, accepted: Int, phase: Int? = nil, lastDay: Int = 0)
        -> OnlineVariantData
    {
        OnlineVariantData(
            variant: name, units: units, unitsThisPhase: phase ?? units, unitsLastDay: lastDay,
            metrics: ["plan_acceptance_rate": acceptance(units: units, accepted: accepted)])
    }

    static let gates = OnlineGates(
        minUnitsPerVariant: 1_000, metrics: [OnlineMetric(name: "plan_acceptance_rate", direction: .increase)])

    static func comparison(
        _ baseline: OnlineVariantData, _ candidate: OnlineVariantData, previous: [String: AlwaysValidState] = [:]
    ) -> OnlineComparison {
        OnlineComparison(
            experiment: "planner_policy_exp", candidate: "leftovers_v2", baseline: "control",
            allocations: [
                NamedAllocation(name: "control", allocation: Allocation(buckets: 5_000)),
                NamedAllocation(name: "leftovers_v2", allocation: Allocation(buckets: 5_000)),
            ],
            data: OnlineExperimentData(
                experiment: "planner_policy_exp", variants: ["control": baseline, "leftovers_v2": candidate]),
            identity: GateIdentity(model: "planner_model", version: "2", experiment: "planner_policy_exp"),
            previous: previous)
    }

    static func judge(_ comparison: OnlineComparison, _ gates: OnlineGates = OnlineGateTests.gates) -> GateReport {
        OnlineGate.judge(comparison, gates: gates, profile: "default")
    }

    @Test func aClearImprovementPassesWithItsAlwaysValidInterval() {
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_000, accepted: 3_000),
                Self.variant("leftovers_v2", units: 5_000, accepted: 3_500)))
        #expect(report.verdict == .pass, "\(report.headline)")
        #expect(report.headline.hasPrefix("pass: plan_acceptance_rate +16.7% ["), "\(report.headline)")
        #expect(report.headline.hasSuffix("] always-valid 95%"), "\(report.headline)")
        #expect(report.subject == "planner_policy_exp/leftovers_v2")
        #expect(OnlineGateState.decode(report.state)["plan_acceptance_rate"]?.looks == 1)
    }

    @Test func aSignificantRegressionFails() {
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_000, accepted: 3_000),
                Self.variant("leftovers_v2", units: 5_000, accepted: 2_500)))
        #expect(report.verdict == .fail)
        #expect(report.headline.contains("a significant regression"), "\(report.headline)")
    }

    @Test func aSmallDifferenceIsInconclusiveAndNeverPasses() {
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_000, accepted: 3_000),
                Self.variant("leftovers_v2", units: 5_000, accepted: 3_030)))
        #expect(report.verdict == .inconclusive)
        #expect(report.headline.contains("not yet significant"))
    }

    @Test func tooFewUnitsWaitsWithTheTimeLeftAtTheLastDaysRate() {
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 700, accepted: 400, lastDay: 120),
                Self.variant("leftovers_v2", units: 640, accepted: 380, lastDay: 300)))
        #expect(report.verdict == .waiting)
        #expect(report.headline == "waiting: 640 of 1,000 units per variant; at the last day's rate about 29 h more")
        #expect(report.progress == Progress(done: 640, total: 1_000, unit: "units per variant"))
    }

    @Test func aSampleRatioMismatchBlocksLoudly() {
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_300, accepted: 3_000),
                Self.variant("leftovers_v2", units: 4_100, accepted: 2_900)))
        #expect(report.verdict == .blocked)
        #expect(report.headline.hasPrefix(
            "blocked: sample-ratio mismatch: control 5,300, leftovers_v2 4,100 units against allocations 50% / 50%"))
    }

    @Test func aFailureStaysFailedOnLaterPasses() {
        let first = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_000, accepted: 3_000),
                Self.variant("leftovers_v2", units: 5_000, accepted: 2_500)))
        // Later the data look better, but the recorded failure holds.
        let later = Self.judge(
            Self.comparison(
                Self.variant("control", units: 9_000, accepted: 5_400),
                Self.variant("leftovers_v2", units: 9_000, accepted: 5_450), previous: OnlineGateState.decode(first.state)))
        #expect(later.verdict == .fail, "\(later.headline)")
        // A changed test (another alpha) starts afresh.
        var other = Self.gates
        other.alpha = 0.01
        let fresh = Self.judge(
            Self.comparison(
                Self.variant("control", units: 9_000, accepted: 5_400),
                Self.variant("leftovers_v2", units: 9_000, accepted: 5_450), previous: OnlineGateState.decode(first.state)),
            other)
        #expect(fresh.verdict == .inconclusive)
    }

    @Test func aGuardrailMustBeShownWithinItsMargin() {
        var gates = Self.gates
        gates.metrics = [OnlineMetric(name: "plan_acceptance_rate", direction: .decrease, maxRegression: 0.05)]
        // Acceptance read as a lower-is-better guardrail: +16.7% is far past the 5% allowed.
        let report = Self.judge(
            Self.comparison(
                Self.variant("control", units: 5_000, accepted: 3_000),
                Self.variant("leftovers_v2", units: 5_000, accepted: 3_500)),
            gates)
        #expect(report.verdict == .fail)
        #expect(report.headline.contains("worse than the +5.0% allowed"), "\(report.headline)")
        let equal = Self.judge(
            Self.comparison(
                Self.variant("control", units: 20_000, accepted: 12_000),
                Self.variant("leftovers_v2", units: 20_000, accepted: 12_000)),
            gates)
        #expect(equal.verdict == .pass, "\(equal.headline)")
        #expect(equal.headline.contains("within the +5.0% allowed"))
    }
}
