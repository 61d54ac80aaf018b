public import ExpctlModel
public import ExpctlPlan
import ExpctlStatistics

extension ObservedState {
    /// The same state with the evaluation jobs a plan of `state` asks for already succeeded and
    /// their replays recorded: the candidate scores `candidateScore` against a baseline of
    /// `baselineScore`, respects every constraint, and degrades no metric. The converged state of
    /// a tree whose trained versions passed the offline gate (`candidateScore` below the
    /// baseline fails it).
    public func evaluated(
        for state: DesiredState, candidateScore: Double = 0.8, baselineScore: Double = 0.7
    ) -> ObservedState {
        var copy = self
        let plan = Planner.plan(desired: state, observed: self, commit: "c0")
        for action in plan.actions where action.kind == .create {
            guard case .job(.evaluation, let name) = action.address,
                case .string(let digest)? = action.after("inputs_digest"),
                case .object(let inputs)? = action.after("inputs")
            else { continue }
            copy.jobs.jobs.append(
                LedgerJob(
                    id: "job-evaluation-\(name)", key: JobKey(kind: .evaluation, name: name, inputsDigest: digest),
                    state: .succeeded, attempts: 1, inputs: inputs, result: ["offline_eval_score": .double(candidateScore)],
                    provenance: Provenance(commit: "c0", path: "training.yaml")))
            copy.gates.evaluations.append(replay(inputs, candidateScore: candidateScore, baselineScore: baselineScore))
        }
        return copy
    }

    /// The replay an evaluation job with `inputs` records.
    private func replay(_ inputs: [String: JSONValue], candidateScore: Double, baselineScore: Double) -> OfflineEvaluation {
        func text(_ key: String) -> String? { if case .string(let value)? = inputs[key] { value } else { nil } }
        let baseline = text("baseline_version")
        let means = Dictionary(uniqueKeysWithValues: OfflineGates.replayMetrics.map { ($0, 1.0) })
        let stable = RunningMoments(count: 200, mean: 0.001, sumOfSquaredDeviations: 2)
        return OfflineEvaluation(
            model: text("model_name") ?? "", version: text("model_version") ?? "", baselineVersion: baseline,
            datasetVersion: text("dataset_version") ?? "", datasetDigest: text("dataset_digest"), rows: 200,
            candidateScore: candidateScore, baselineScore: baseline == nil ? nil : baselineScore, candidateMeans: means,
            baselineMeans: baseline == nil ? [:] : means,
            differences: baseline == nil ? [:] : Dictionary(uniqueKeysWithValues: OfflineGates.replayMetrics.map { ($0, stable) }))
    }
}
