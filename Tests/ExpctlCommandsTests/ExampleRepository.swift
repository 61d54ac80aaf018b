import ExpctlCommands
import Foundation
import PostgresTestSupport

/// The example tree the command tests use: the planner of configs/, as the tests' own copy, so
/// that changing configs/ (the demo's) changes no test's commit ids or counts.
enum ExampleTree {
    static let files: [String: String] = [
        "configs/training/planner-2025-01-10.yaml": """
            # Fine-tune the planner on the plan_generated/plan_accepted rows of 2025-01-10.
            training:
              - name: planner-2025-01-10
                description: LoRA fine-tune on accepted weekly plans
                task: planner
                policy: planner_policy
                model_name: planner_model
                base_model: llama-3-8b
                dataset_version: planner/2025-01-10
                learning_rate: 1.0e-4
                epochs: 3
                batch_size: 16
                fine_tuning_method: lora
                seed: 42
                runner: builtin
                evaluation:
                  dataset_version: planner/2025-01-10
                  baseline: production

            """,
        "configs/policies/planner_policy.yaml": """
            # The weekly meal planner.
            policies:
              - name: planner_policy
                description: Weekly meal planner
                versions:
                  - version: 1
                    mlflow_model_name: planner_model
                    mlflow_model_version: 1
                    config_defaults: { temperature: 0.7 }
                  - version: 2
                    mlflow_model_name: planner_model
                    training: planner-2025-01-10
                    config_defaults: { temperature: 0.7 }

            """,
        "configs/experiments/planner_policy_exp.yaml": """
            # The leftover-aware planner against control, at 10% of users.
            experiments:
              - name: planner_policy_exp
                description: Leftover-aware planner against control
                unit_type: user
                status: running
                starts_at: 2025-01-06T00:00:00Z
                baseline: control
                variants:
                  - name: control
                    allocation: 0.9
                    policy_version: planner_policy@1
                    params: { exploration_rate: 0.15 }
                  - name: leftovers_v2
                    allocation: 0.1
                    policy_version: planner_policy@2
                    params:
                      exploration_rate: 0.2

            """,
        "configs/promotions.yaml": """
            promotions:
              - model: planner_model
                version: 1
                stage: production
              - model: planner_model
                training: planner-2025-01-10
                stage: candidate

            """,
        "configs/gates.yaml": """
            gates:
              offline: { min_score_delta: 0.0, min_constraint_respect: 1.0, alpha: 0.05 }
              online: { max_initial_allocation: 0.10, min_units_per_variant: 1000, alpha: 0.05 }

            """,
    ]

    static let policyFile = "configs/policies/planner_policy.yaml"
    static let experimentFile = "configs/experiments/planner_policy_exp.yaml"
    static let promotionsFile = "configs/promotions.yaml"
    static let trainingFile = "configs/training/planner-2025-01-10.yaml"
}

/// The example tree committed into a throwaway repository, with `planner_model` renamed to
/// `model` (tests that share an MLflow server each use a model of their own).
func exampleRepository(model: String = "planner_model") throws -> GitFixture {
    let fixture = try GitFixture()
    for (path, text) in ExampleTree.files { try fixture.write(path, text.replacingOccurrences(of: "planner_model", with: model)) }
    try fixture.write("README.md", "not desired state\n")
    try fixture.commitAll("Planner experiment at 10%")
    return fixture
}

/// The environment in-process commands get: nothing of the test process's own, so a
/// developer's `DATABASE_URL` or `MLFLOW_TRACKING_URI` cannot reach a test; only the dataset
/// store, which holds the example training's dataset.
let testEnvironment: [String: String] = ["EXPCTL_DATASET_ROOT": fixtureDatasetRoot]

/// A dataset store in a temporary folder holding `planner/2025-01-10` as built (its metadata),
/// the undeclared dataset the example training names: plans check that it exists.
let fixtureDatasetRoot: String = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-datasets-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("planner/2025-01-10")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let metadata = #"{"dataset_version": "planner/2025-01-10", "format_version": 1, "num_samples": 0}"#
    try! metadata.write(to: folder.appendingPathComponent("metadata.json"), atomically: true, encoding: .utf8)
    return root.path
}()

/// Runs expctl in-process with an argument list and an explicit environment.
func expctl(arguments: [String], environment: [String: String] = testEnvironment) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let status = ExpctlCLI.run(arguments, console: console, environment: environment)
    return (status, console.output, console.errorOutput)
}

/// Runs expctl in-process with scripted answers to its questions.
func expctl(answers: [String], _ arguments: String...) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole(answers: answers)
    let status = ExpctlCLI.run(arguments, console: console, environment: testEnvironment)
    return (status, console.output, console.errorOutput)
}

/// Runs expctl in-process and returns its exit status and output.
func expctl(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    expctl(arguments: arguments)
}
