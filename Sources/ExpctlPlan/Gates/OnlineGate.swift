public import ExpctlModel
import ExpctlStatistics

/// The online gate (candidate → production, and traffic above the cap): the variant serving
/// the candidate against the experiment's baseline variant, per unit.
///
/// In order: a sample-ratio mismatch between the units and the allocations blocks (the data
/// cannot be trusted); fewer than `min_units_per_variant` units in either variant waits; then
/// every metric's always-valid test. A goal metric must improve significantly; a guardrail
/// (`max_regression`) must be shown no worse than its margin. Any significant regression
/// fails; every goal improved and every guardrail held passes; anything else is
/// inconclusive, which never promotes. The tests stay valid however often they are looked at,
/// and their running bounds and a failure carry over between passes (`previous`).
public enum OnlineGate {
    public static func judge(_ comparison: OnlineComparison, gates: OnlineGates, profile: String) -> GateReport {
        func report(_ verdict: GateVerdict, _ headline: String, _ criteria: [GateCriterion], progress: Progress? = nil,
                    states: [String: AlwaysValidState] = [:]) -> GateReport
        {
            GateReport(
                kind: .online, subject: comparison.subject, profile: profile, verdict: verdict,
                headline: "\(verdict.rawValue): \(headline)", criteria: criteria, progress: progress,
                identity: comparison.identity, onlineStates: states)
        }
        let data = comparison.data.variants
        guard let candidate = data[comparison.candidate], let baseline = data[comparison.baseline] else {
            return report(
                .waiting, "no units are assigned to \(comparison.candidate) and \(comparison.baseline) yet", [],
                progress: Progress(done: 0, total: Double(gates.minUnitsPerVariant), unit: "units per variant"))
        }
        if let mismatch = sampleRatioCriterion(comparison, threshold: gates.srmThreshold) {
            return report(.blocked, mismatch.text, [mismatch], states: comparison.previous)
        }
        let fewest = min(candidate.units, baseline.units)
        guard fewest >= gates.minUnitsPerVariant else {
            let slowest = candidate.units <= baseline.units ? candidate : baseline
            let needed = gates.minUnitsPerVariant - slowest.units
            let eta = slowest.unitsLastDay > 0
                ? "; at the last day's rate about \(GateNumbers.hours(Double(needed) / Double(slowest.unitsLastDay) * 24)) more"
                : "; no units arrived in the last day"
            return report(
                .waiting,
                "\(NumberText.grouped(fewest)) of \(NumberText.grouped(gates.minUnitsPerVariant)) units per variant"
                    + eta,
                [], progress: Progress(done: Double(fewest), total: Double(gates.minUnitsPerVariant), unit: "units per variant"),
                states: comparison.previous)
        }
        var states: [String: AlwaysValidState] = [:]
        var criteria: [GateCriterion] = []
        for metric in gates.metrics {
            let (criterion, state) = OnlineMetricTest(metric: metric, gates: gates)
                .judge(candidate: candidate, baseline: baseline, previous: comparison.previous[metric.name])
            criteria.append(criterion)
            if let state { states[metric.name] = state }
        }
        let unmet = criteria.filter { $0.outcome == .unmet }
        if !unmet.isEmpty { return report(.fail, unmet.map(\.text).joined(separator: "; "), criteria, states: states) }
        if criteria.allSatisfy({ $0.outcome == .met }) {
            return report(.pass, criteria.map(\.text).joined(separator: "; "), criteria, states: states)
        }
        let unknown = criteria.filter { $0.outcome == .unknown }
        return report(.inconclusive, unknown.map(\.text).joined(separator: "; "), criteria, states: states)
    }

    /// Units assigned under the current allocations against those allocations (χ², p below
    /// the threshold is a mismatch); nil when they agree or there is too little traffic to say.
    static func sampleRatioCriterion(_ comparison: OnlineComparison, threshold: Double) -> GateCriterion? {
        let live = comparison.allocations.filter { $0.allocation.buckets > 0 }
        guard live.count >= 2 else { return nil }
        let observed = live.map { comparison.data.variants[$0.name]?.unitsThisPhase ?? 0 }
        let check = SampleRatioMismatch(
            observed: observed, weights: live.map { $0.allocation.fraction }, threshold: threshold)
        guard check.status == .mismatch else { return nil }
        let counts = zip(live, observed).map { "\($0.name) \(NumberText.grouped($1))" }.joined(separator: ", ")
        let shares = live.map { GateNumbers.percent(of: $0.allocation.fraction) }.joined(separator: " / ")
        return GateCriterion(
            name: "sample_ratio", outcome: .unmet,
            text: "sample-ratio mismatch: \(counts) units against allocations \(shares) "
                + "(χ² = \(GateNumbers.short(check.chiSquare)), p = \(GateNumbers.pValue(check.pValue)) < "
                + "\(GateNumbers.short(threshold))): units are lost in assignment or event logging; the data cannot "
                + "be trusted until that is fixed",
            figures: [Figure(name: "srm_chi_square", value: check.chiSquare), Figure(name: "srm_p_value", value: check.pValue)])
    }
}
