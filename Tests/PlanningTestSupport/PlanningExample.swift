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
