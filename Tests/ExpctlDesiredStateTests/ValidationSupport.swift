import ExpctlDesiredState
import ExpctlModel
import Testing

/// A small valid tree; tests replace one file to break one rule.
let validTree: [String: String] = [
    "experiments/planner.yaml": """
        experiments:
          - name: planner_policy_exp
            unit_type: user
            status: running
            starts_at: 2025-01-06T00:00:00Z
            variants:
              - name: control
                allocation: 0.9
                policy_version: planner_policy@1
              - name: leftovers_v2
                allocation: 0.1
                policy_version: planner_policy@2
        """,
    "policies.yaml": """
        policies:
          - name: planner_policy
            versions:
              - version: 1
                mlflow_model_name: planner_model
                mlflow_model_version: 1
              - version: 2
                mlflow_model_name: planner_model
                training: planner-2025-01-10
        """,
    "training.yaml": """
        training:
          - name: planner-2025-01-10
            task: planner
            policy: planner_policy
            model_name: planner_model
            base_model: llama-3-8b
            dataset_version: planner/2025-01-10
            learning_rate: 1.0e-4
            epochs: 3
            batch_size: 16
        """,
    "promotions.yaml": """
        promotions:
          - model: planner_model
            version: 1
            stage: production
        """,
]

/// Decodes and merges in-memory files, in path order, as the loader does.
func validate(_ files: [String: String]) -> (state: DesiredState, diagnostics: [Diagnostic]) {
    let fragments = files.keys.sorted().map { FileDecoder.decode(path: $0, text: files[$0]!) }
    let (state, diagnostics) = CrossFileValidator.merge(fragments)
    return (state, diagnostics.sorted(by: Diagnostic.byLocation))
}

/// The valid tree with some files replaced or added.
func validate(replacing changes: [String: String]) -> [Diagnostic] {
    validate(validTree.merging(changes) { $1 }).diagnostics
}

/// Expects exactly one error, at `path:line:column`, whose message and hint contain the given
/// fragments; returns it for further checks.
@discardableResult
func expectSingleError(
    _ diagnostics: [Diagnostic], at location: String, message: String, hint: String? = nil,
    field: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Diagnostic? {
    #expect(diagnostics.count == 1, "expected one diagnostic, got \(diagnostics.map(describe))", sourceLocation: sourceLocation)
    guard let diagnostic = diagnostics.first else { return nil }
    #expect(diagnostic.severity == .error, sourceLocation: sourceLocation)
    #expect(diagnostic.location.description == location, "\(describe(diagnostic))", sourceLocation: sourceLocation)
    #expect(diagnostic.message.contains(message), "\(describe(diagnostic))", sourceLocation: sourceLocation)
    if let hint {
        #expect(diagnostic.hint?.contains(hint) == true, "\(describe(diagnostic))", sourceLocation: sourceLocation)
    }
    if let field {
        #expect(diagnostic.field == field, "\(describe(diagnostic))", sourceLocation: sourceLocation)
    }
    return diagnostic
}

func describe(_ diagnostic: Diagnostic) -> String {
    "\(diagnostic.location): \(diagnostic.message) [\(diagnostic.resource ?? "-"), \(diagnostic.field ?? "-")] hint: \(diagnostic.hint ?? "-")"
}
