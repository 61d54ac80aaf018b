import ExpctlDesiredState
import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
import PostgresTestSupport
import Testing

/// The planner example, as one desired-state file.
let exampleTree = """
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

func desired(_ text: String = exampleTree, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> DesiredState {
    let (state, diagnostics) = CrossFileValidator.merge([FileDecoder.decode(path: "desired.yaml", text: text)])
    #expect(diagnostics.isEmpty, "\(diagnostics)", sourceLocation: sourceLocation)
    return state
}

/// A migrated store on a fresh database.
func withStore<R>(_ body: (ExpStore, TestDatabase) throws -> R) throws -> R {
    try TestDatabase.with { database in
        let store = ExpStore(connection: try database.connect())
        try store.migrate()
        return try body(store, database)
    }
}

extension ExpStore {
    /// Plans `state` against what the database holds and applies it.
    @discardableResult
    func converge(_ state: DesiredState, commit: String = "c1") throws -> Plan {
        let plan = Planner.plan(desired: state, actual: try actualState(), commit: commit)
        try apply(plan, ref: "refs/heads/main")
        return plan
    }

    func plan(_ state: DesiredState, commit: String = "c2") throws -> Plan {
        Planner.plan(desired: state, actual: try actualState(), commit: commit)
    }
}

extension Plan {
    /// `kind address` of every action, in plan order.
    var summary: [String] { actions.map(\.id) }
}
