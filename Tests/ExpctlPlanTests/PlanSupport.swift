import ExpctlDesiredState
import ExpctlModel
import ExpctlPlan
import Testing

/// The planner example of configs/, in one file.
let exampleTree = """
    experiments:
      - name: planner_policy_exp
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
func desired(_ text: String = exampleTree, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> DesiredState {
    let (state, diagnostics) = CrossFileValidator.merge([FileDecoder.decode(path: "desired.yaml", text: text)])
    #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
    return state
}

/// The actual state that applying `state` from empty would leave, with ids from names.
func converged(_ state: DesiredState) -> ActualState {
    var actual = ActualState()
    for policy in state.policies {
        var versions: [Int: ActualPolicyVersion] = [:]
        for version in policy.versions {
            var modelVersion: String?
            var training: String?
            switch version.model {
            case .registered(let number): modelVersion = number
            case .training(let name): training = name
            }
            versions[version.version] = ActualPolicyVersion(
                id: "pv-\(policy.name)-\(version.version)", version: version.version, mlflowModelName: version.mlflowModelName,
                mlflowModelVersion: modelVersion, trainingName: training, configDefaults: version.configDefaults)
        }
        actual.policies[policy.name] = ActualPolicy(
            id: "p-\(policy.name)", name: policy.name, description: policy.description, versions: versions,
            provenance: Provenance(commit: "c0", path: policy.origin.path))
    }
    for experiment in state.experiments {
        var variants: [String: ActualVariant] = [:]
        for variant in experiment.variants {
            variants[variant.name] = ActualVariant(
                id: "v-\(variant.name)", name: variant.name, allocation: variant.allocation, policyVersion: variant.policyVersion,
                params: variant.params)
        }
        actual.experiments[experiment.name] = ActualExperiment(
            id: "e-\(experiment.name)", name: experiment.name, description: experiment.description, unitType: experiment.unitType,
            status: experiment.status, startsAt: experiment.startsAt, endsAt: experiment.endsAt, baseline: experiment.baseline,
            variants: variants, provenance: Provenance(commit: "c0", path: experiment.origin.path))
    }
    return actual
}

extension Plan {
    /// `kind address` of every action, in plan order.
    var summary: [String] { actions.map(\.id) }

    func action(_ id: String) -> PlannedAction? { actions.first { $0.id == id } }
}
