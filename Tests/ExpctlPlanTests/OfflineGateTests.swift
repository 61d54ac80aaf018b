import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import Testing

@Suite("The offline gate")
struct OfflineGateTests {
    /// The shared reference's paired test vector: d̄ = −0.0292, p = 0.0013 over 12 rows.
    static let base = [0.71, 0.64, 0.80, 0.55, 0.90, 0.62, 0.77, 0.68, 0.59, 0.83, 0.74, 0.66]
    static let worse = [0.69, 0.60, 0.80, 0.50, 0.88, 0.63, 0.71, 0.68, 0.52, 0.82, 0.70, 0.61]

    static func evaluation(
        candidate: Double, baseline: Double?, respect: Double = 1, diversity: (cand: [Double], base: [Double])? = nil
    ) -> OfflineEvaluation {
        let flat = RunningMoments(differencesOf: [0.5, 0.6, 0.7], minus: [0.5, 0.6, 0.7])
        var differences = Dictionary(uniqueKeysWithValues: OfflineGates.defaultDegradationMetrics.map { ($0, flat) })
        if let diversity {
            differences["meal_diversity_score"] = RunningMoments(differencesOf: diversity.cand, minus: diversity.base)
        }
        return OfflineEvaluation(
            model: "planner_model", version: "2", baselineVersion: baseline == nil ? nil : "1",
            datasetVersion: "planner/2025-01-10", datasetDigest: String(repeating: "a", count: 64), rows: 12,
            candidateScore: candidate, baselineScore: baseline,
            candidateMeans: ["constraint_respect_score": respect], differences: baseline == nil ? [:] : differences)
    }

    @Test func aBetterCandidateWithoutDegradationPasses() {
        let report = OfflineGate.judge(
            Self.evaluation(candidate: 0.5517, baseline: 0.5355), gates: OfflineGates(), profile: "default")
        #expect(report.verdict == .pass)
        #expect(report.headline.hasPrefix("pass: offline score 0.5517 ≥ baseline 0.5355 (version 1) + 0.00"))
        #expect(report.criteria.count == 2 + OfflineGates.defaultDegradationMetrics.count)
        #expect(report.identity.baselineVersion == "1")
    }

    @Test func aLowerScoreFailsWithTheNumbersInTheHeadline() {
        let report = OfflineGate.judge(
            Self.evaluation(candidate: 0.81, baseline: 0.84), gates: OfflineGates(), profile: "default")
        #expect(report.verdict == .fail)
        #expect(report.headline == "fail: offline score 0.8100 < baseline 0.8400 (version 1) + 0.00")
    }

    @Test func aSignificantDegradationFailsEvenWithABetterScore() {
        let report = OfflineGate.judge(
            Self.evaluation(candidate: 0.9, baseline: 0.8, diversity: (Self.worse, Self.base)), gates: OfflineGates(),
            profile: "default")
        #expect(report.verdict == .fail)
        let criterion = report.criteria.first { $0.name == "no_degradation.meal_diversity_score" }
        #expect(criterion?.outcome == .unmet)
        #expect(criterion?.text == "meal_diversity_score degraded: −0.0292 per row, paired t p = 0.0013 < 0.05 over 12 rows")
        // p = 0.0136 with a margin of 0.01: still a degradation at 0.05, not at 0.01.
        var lenient = OfflineGates(degradationMargin: 0.01)
        lenient.alpha = 0.01
        let withMargin = OfflineGate.judge(
            Self.evaluation(candidate: 0.9, baseline: 0.8, diversity: (Self.worse, Self.base)), gates: lenient,
            profile: "default")
        #expect(withMargin.verdict == .pass, "\(withMargin.headline)")
    }

    @Test func aConstraintViolationFails() {
        let report = OfflineGate.judge(
            Self.evaluation(candidate: 0.9, baseline: 0.8, respect: 0.982), gates: OfflineGates(), profile: "default")
        #expect(report.verdict == .fail)
        #expect(report.headline == "fail: constraint respect 0.9820 < 1.00 (no violation allowed)")
    }

    @Test func theFirstModelIsJudgedByTheAbsoluteCriteriaAlone() {
        let report = OfflineGate.judge(Self.evaluation(candidate: 0.3, baseline: nil), gates: OfflineGates(), profile: "p")
        #expect(report.verdict == .pass)
        #expect(report.criteria.map(\.name) == ["baseline", "constraint_respect_score"])
        #expect(report.headline.contains("first model: no production version to compare with"))
        #expect(
            OfflineGate.judge(Self.evaluation(candidate: 0.3, baseline: nil, respect: 0.5), gates: OfflineGates(), profile: "p")
                .verdict == .fail)
    }
}
