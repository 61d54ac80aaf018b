// The planner example and helpers shared by the tests that plan (ExpctlPlanTests, ExpctlStoreTests).
import ExpctlDesiredState
public import ExpctlModel
public import ExpctlPlan
import Testing

/// The planner example of configs/, in one file.
public let exampleTree = """
    experiments:
      - name: planner_policy_exp
        description: Leftover-aware planner against control
        unit_type: user
        status: running
        starts_at: 2025-01-06T00:00:00Z
        variants:
          - { name: control, allocation: 0.9, policy_version: planner_policy@1, params: { exploration_rate: 0.15 } }
          - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }
    policies:
      - name: planner_policy
        description: Weekly meal planner
        versions:
          - { version: 1, mlflow_model_name: planner_model, mlflow_model_version: 1, config_defaults: { temperature: 0.7 } }
          - { version: 2, mlflow_model_name: planner_model, training: planner-2025-01-10 }
    training:
      - { name: planner-2025-01-10, task: planner, model_name: planner_model, base_model: llama-3-8b,
          dataset_version: planner/2025-01-10, learning_rate: 1.0e-4, epochs: 3, batch_size: 16 }
    """

/// Desired state from YAML text, which must be valid.
public func desired(_ text: String = exampleTree, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> DesiredState {
    let (state, diagnostics) = CrossFileValidator.merge([FileDecoder.decode(path: "desired.yaml", text: text)])
    #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
    return state
}

extension Plan {
    /// `kind address` of every action, in plan order.
    public var summary: [String] { actions.map(\.id) }

    public func action(_ id: String) -> PlannedAction? { actions.first { $0.id == id } }
}

/// Plans `desired` against `observed` (empty by default, the registry skipped).
public func makePlan(_ desired: DesiredState, _ observed: ObservedState = ObservedState(), commit: String = "abc") -> Plan {
    Planner.plan(desired: desired, observed: observed, commit: commit)
}

/// The observed state as it is once `state` was applied from empty: every training's job
/// succeeded (job `job-NAME`, registering model version `trainedVersion`), every policy
/// version and variant written, with ids from names; the registry skipped.
public func converged(_ state: DesiredState, trainedVersion: String = "2") -> ObservedState {
    var actual = ActualState()
    var jobs = JobLedgerState()
    for training in state.trainings {
        jobs.jobs.append(job(for: training, state: .succeeded, modelVersion: trainedVersion))
    }
    for policy in state.policies {
        var versions: [Int: ActualPolicyVersion] = [:]
        for version in policy.versions {
            var modelVersion: String?
            var training: String?
            var jobID: String?
            switch version.model {
            case .registered(let number): modelVersion = number
            case .training(let name):
                training = name
                modelVersion = trainedVersion
                jobID = "job-\(name)"
            }
            versions[version.version] = ActualPolicyVersion(
                id: "pv-\(policy.name)-\(version.version)", version: version.version, mlflowModelName: version.mlflowModelName,
                mlflowModelVersion: modelVersion, trainingName: training, jobID: jobID, configDefaults: version.configDefaults)
        }
        actual.policies[policy.name] = ActualPolicy(
            id: "p-\(policy.name)", name: policy.name, description: policy.description, versions: versions,
            provenance: Provenance(commit: "c0", path: policy.origin.path))
    }
    for experiment in state.experiments {
        var variants: [String: ActualVariant] = [:]
        for (position, variant) in experiment.variants.enumerated() {
            variants[variant.name] = ActualVariant(
                id: "v-\(variant.name)", name: variant.name, allocation: variant.allocation, policyVersion: variant.policyVersion,
                params: variant.params, position: position)
        }
        actual.experiments[experiment.name] = ActualExperiment(
            id: "e-\(experiment.name)", name: experiment.name, description: experiment.description, unitType: experiment.unitType,
            status: experiment.status, startsAt: experiment.startsAt, endsAt: experiment.endsAt, baseline: experiment.baseline,
            variants: variants, provenance: Provenance(commit: "c0", path: experiment.origin.path))
    }
    return ObservedState(database: actual, jobs: jobs)
}

/// The ledger's job for `training` (id `job-NAME`) in `state`; a succeeded one recorded
/// `modelVersion`, a failed one `error`.
public func job(
    for training: TrainingConfig, state: JobState, modelVersion: String = "2", attempts: Int = 1, error: String = "out of memory",
    id: String? = nil
) -> LedgerJob {
    LedgerJob(
        id: id ?? "job-\(training.name)", key: JobKey(kind: .training, name: training.name, inputsDigest: training.inputsDigest),
        state: state, attempts: attempts, inputs: training.jobInputs,
        result: state == .succeeded ? [TrainingResultKeys.modelName: .string(training.modelName), TrainingResultKeys.modelVersion: .string(modelVersion)] : nil,
        error: state == .failed ? error : nil, provenance: Provenance(commit: "c0", path: training.origin.path))
}

extension ObservedState {
    /// The same state with the ledger's only job of `training` replaced by one in `state`.
    public func with(job newJob: LedgerJob) -> ObservedState {
        var copy = self
        copy.jobs.jobs.removeAll { $0.key.name == newJob.key.name }
        copy.jobs.jobs.append(newJob)
        return copy
    }
}
