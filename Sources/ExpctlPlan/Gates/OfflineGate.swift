public import ExpctlModel
import ExpctlStatistics

/// The offline gate (none → candidate), from an offline replay against the baseline on the same
/// rows (000, 002 §10): the weighted score at least the baseline's plus `min_score_delta`; the
/// constraint respect at least `min_constraint_respect`; and no metric of `no_degradation`
/// significantly worse than the baseline's, by a one-sided paired t-test over the rows. A first
/// model (no baseline) is judged by the absolute criterion alone, and the report says so.
///
/// Offline data does not grow, so the verdict is `pass` or `fail`, never `inconclusive`.
public enum OfflineGate {
    public static func judge(_ evaluation: OfflineEvaluation, gates: OfflineGates, profile: String) -> GateReport {
        var criteria: [GateCriterion] = []
        if let baselineVersion = evaluation.baselineVersion {
            if let baseline = evaluation.baselineScore {
                criteria.append(scoreCriterion(evaluation.candidateScore, baseline, version: baselineVersion, gates))
            } else {
                // A replay against a baseline that recorded no baseline score cannot pass as a first model.
                criteria.append(
                    GateCriterion(
                        name: "offline_eval_score", outcome: .unknown,
                        text: "the replay against version \(baselineVersion) recorded no baseline score"))
            }
        } else {
            criteria.append(
                GateCriterion(
                    name: "baseline", outcome: .met,
                    text: "first model: no production version to compare with, so only the absolute criteria apply",
                    figures: [Figure(name: "offline_eval_score", value: evaluation.candidateScore)]))
        }
        criteria.append(constraintCriterion(evaluation, gates))
        if evaluation.baselineVersion != nil {
            criteria += gates.degradationMetrics.map { degradationCriterion($0, evaluation, gates) }
        }
        let unmet = criteria.filter { $0.outcome != .met }
        let verdict: GateVerdict = unmet.isEmpty ? .pass : .fail
        let headline =
            verdict == .pass
            ? "pass: " + criteria.prefix(2).map(\.text).joined(separator: "; ")
            : "fail: " + unmet.map(\.text).joined(separator: "; ")
        return GateReport(
            kind: .offline, subject: evaluation.subject, profile: profile, verdict: verdict, headline: headline,
            criteria: criteria,
            identity: GateIdentity(
                model: evaluation.model, version: evaluation.version, baselineVersion: evaluation.baselineVersion,
                datasetDigest: evaluation.datasetDigest))
    }

    private static func scoreCriterion(
        _ candidate: Double, _ baseline: Double, version: String, _ gates: OfflineGates
    ) -> GateCriterion {
        let met = candidate >= baseline + gates.minScoreDelta
        let comparison = met ? "≥" : "<"
        return GateCriterion(
            name: "offline_eval_score", outcome: met ? .met : .unmet,
            text: "offline score \(GateNumbers.score(candidate)) \(comparison) baseline \(GateNumbers.score(baseline)) "
                + "(version \(version)) + \(GateNumbers.fixed(gates.minScoreDelta, 2))",
            figures: [
                Figure(name: "offline_eval_score", value: candidate),
                Figure(name: "baseline_offline_eval_score", value: baseline),
            ])
    }

    private static func constraintCriterion(_ evaluation: OfflineEvaluation, _ gates: OfflineGates) -> GateCriterion {
        let respect = evaluation.candidateMeans["constraint_respect_score"] ?? 0
        let met = respect >= gates.minConstraintRespect
        return GateCriterion(
            name: "constraint_respect_score", outcome: met ? .met : .unmet,
            text: "constraint respect \(GateNumbers.score(respect)) \(met ? "≥" : "<") "
                + "\(GateNumbers.fixed(gates.minConstraintRespect, 2))"
                + (gates.minConstraintRespect >= 1 ? " (no violation allowed)" : ""),
            figures: [Figure(name: "constraint_respect_score", value: respect)])
    }

    /// "Stable or improved": a one-sided paired t-test of H1 mean(candidate − baseline) < −δ.
    private static func degradationCriterion(
        _ metric: String, _ evaluation: OfflineEvaluation, _ gates: OfflineGates
    ) -> GateCriterion {
        let name = "no_degradation.\(metric)"
        guard let differences = evaluation.differences[metric] else {
            return GateCriterion(
                name: name, outcome: .unknown, text: "\(metric): the evaluation has no per-row scores to compare")
        }
        let test: PairedDegradationTest
        do {
            test = try PairedDegradationTest(differences: differences, margin: gates.degradationMargin)
        } catch {
            return GateCriterion(
                name: name, outcome: .unknown,
                text: "\(metric): too few rows for the paired test (\(differences.count))")
        }
        let degraded = test.showsDegradation(alpha: gates.alpha)
        let change = GateNumbers.signed(test.meanDifference, 4)
        let figures = [
            Figure(name: "\(metric).mean_difference", value: test.meanDifference),
            Figure(name: "\(metric).p_value", value: test.pValue),
        ]
        let margin = gates.degradationMargin > 0 ? " beyond −\(GateNumbers.fixed(gates.degradationMargin, 3))" : ""
        if degraded {
            return GateCriterion(
                name: name, outcome: .unmet,
                text: "\(metric) degraded\(margin): \(change) per row, paired t p = \(GateNumbers.pValue(test.pValue)) "
                    + "< \(GateNumbers.short(gates.alpha)) over \(NumberText.grouped(differences.count)) rows",
                figures: figures)
        }
        return GateCriterion(
            name: name, outcome: .met,
            text: "\(metric) stable or improved: \(change) per row (paired t p = \(GateNumbers.pValue(test.pValue)))",
            figures: figures)
    }
}
