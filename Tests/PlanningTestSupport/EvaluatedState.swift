public import ExpctlModel
public import ExpctlPlan

extension ObservedState {
    /// The same state with the evaluation jobs a plan of `state` asks for already succeeded:
    /// the converged state of a tree whose trained versions have been evaluated against the
    /// baseline the registry names.
    public func evaluated(for state: DesiredState) -> ObservedState {
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
                    state: .succeeded, attempts: 1, inputs: inputs, result: ["offline_eval_score": .double(0.8)],
                    provenance: Provenance(commit: "c0", path: "training.yaml")))
        }
        return copy
    }
}
