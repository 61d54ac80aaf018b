import ExpctlDesiredState
import ExpctlModel
import Foundation
import Testing

private func policies(_ text: String) -> [Diagnostic] { validate(replacing: ["policies.yaml": text]) }
private func training(_ replace: String, with replacement: String) -> [Diagnostic] {
    validate(replacing: ["training.yaml": validTree["training.yaml"]!.replacingFirst(replace, with: replacement)])
}

@Suite("Rules about policies, policy versions and training configs")
struct PolicyTrainingRulesTests {
    @Test func policyVersionNeedsExactlyOneModelSource() {
        let both = policies("""
            policies:
              - name: planner_policy
                versions:
                  - version: 1
                    mlflow_model_name: planner_model
                    mlflow_model_version: 1
                    training: planner-2025-01-10
            """)
        // Version 2 is gone too, so the experiment's reference to it fails as well.
        #expect(both.contains { $0.location.description == "policies.yaml:7:19" && $0.message == "both mlflow_model_version and training are set" })
        let neither = policies("""
            policies:
              - name: planner_policy
                versions:
                  - version: 1
                    mlflow_model_name: planner_model
                  - version: 2
                    mlflow_model_name: planner_model
                    training: planner-2025-01-10
            """)
        expectSingleError(neither, at: "policies.yaml:4:9", message: "neither mlflow_model_version nor training is set", hint: "mlflow_model_version: N")
    }

    @Test(arguments: [("policies.yaml", "policy 'planner_policy'"), ("training.yaml", "training 'planner-2025-01-10'")])
    func policiesAndTrainingsDefinedTwiceNameBothPlaces(file: String, what: String) {
        let diagnostics = validate(replacing: ["z/\(file)": validTree[file]!])
        expectSingleError(diagnostics, at: "z/\(file):2:11", message: "\(what) is defined twice: here and at \(file):2:11", hint: "rename one")
    }

    @Test func policyVersionNamingAnUndeclaredTraining() {
        let diagnostics = policies(validTree["policies.yaml"]!.replacingFirst("training: planner-2025-01-10", with: "training: planner-2025-01-11"))
        expectSingleError(diagnostics, at: "policies.yaml:9:19", message: "training 'planner-2025-01-11' is not declared", hint: "did you mean `planner-2025-01-10`?", field: "versions[1].training")
    }

    @Test func repeatedVersionNumbers() {
        let diagnostics = policies(validTree["policies.yaml"]!.replacingFirst("version: 2", with: "version: 1"))
        let diagnostic = expectSingleError(diagnostics.filter { !$0.message.contains("policy_version") }, at: "policies.yaml:7:18", message: "version 1 is repeated in this policy (first at line 4)")
        #expect(diagnostic?.hint?.contains("immutable") == true)
    }

    @Test func mlflowModelVersionMustBeAVersionNumber() {
        let diagnostics = policies(validTree["policies.yaml"]!.replacingFirst("mlflow_model_version: 1", with: "mlflow_model_version: latest"))
        expectSingleError(diagnostics, at: "policies.yaml:6:31", message: "must be a registered model version number", field: "versions[0].mlflow_model_version")
        #expect(policies(validTree["policies.yaml"]!.replacingFirst("mlflow_model_version: 1", with: "mlflow_model_version: \"1\"")).isEmpty)
    }

    @Test func trainingModelMustMatchThePolicyVersionModel() {
        let diagnostics = training("model_name: planner_model", with: "model_name: ranker_model")
        expectSingleError(diagnostics, at: "policies.yaml:7:9", message: "differs from the model 'ranker_model'", field: "mlflow_model_name")
    }

    @Test func trainingPolicyMustBeDeclared() {
        let diagnostics = training("policy: planner_policy", with: "policy: planner_polcy")
        // Also reported: the policy version that points at this training names another policy.
        #expect(diagnostics.contains { $0.location.description == "training.yaml:4:13" && $0.message == "policy 'planner_polcy' is not declared" && $0.hint == "did you mean `planner_policy`?" })
    }

    @Test func baseModelAndDatasetMustNotBeBlank() {
        expectSingleError(training("base_model: llama-3-8b", with: "base_model: \"  \""), at: "training.yaml:6:17", message: "base_model is blank")
        expectSingleError(training("dataset_version: planner/2025-01-10", with: "dataset_version: \" \""), at: "training.yaml:7:22", message: "dataset_version is blank")
        expectSingleError(training("base_model: llama-3-8b", with: "base_model:"), at: "training.yaml:6:16", message: "missing required field 'base_model'")
    }

    @Test(arguments: ["/datasets/planner/2025-01-10", "planner/../../etc", "../planner", "planner//x", "~/data"])
    func datasetVersionMustStayInsideTheStore(path: String) {
        let diagnostics = training("dataset_version: planner/2025-01-10", with: "dataset_version: \(path)")
        let diagnostic = expectSingleError(diagnostics, at: "training.yaml:7:22", message: "dataset_version '\(path)'", field: "dataset_version")
        #expect(diagnostic?.hint?.contains("planner/2025-01-10") == true)
    }

    @Test(arguments: [
        ("epochs: 3", "epochs: 0", "epochs must be a positive integer", "training.yaml:9:13"),
        ("epochs: 3", "epochs: 2.5", "expected an integer, found a number", "training.yaml:9:13"),
        ("batch_size: 16", "batch_size: -16", "batch_size must be a positive integer", "training.yaml:10:17"),
        ("learning_rate: 1.0e-4", "learning_rate: 0", "learning_rate must be greater than 0", "training.yaml:8:20"),
        ("learning_rate: 1.0e-4", "learning_rate: fast", "expected a number, found a string", "training.yaml:8:20"),
    ])
    func hyperparametersMustBePositive(original: String, replacement: String, message: String, location: String) {
        expectSingleError(training(original, with: replacement), at: location, message: message)
    }

    @Test func integerLearningRateIsStoredAsDouble() {
        let (state, diagnostics) = validate(validTree.merging([
            "training.yaml": validTree["training.yaml"]!.replacingFirst("learning_rate: 1.0e-4", with: "learning_rate: 1")
        ]) { $1 })
        #expect(diagnostics.isEmpty)
        #expect(state.trainings.first?.learningRate == 1.0)
        #expect(state.trainings.first?.runner == .builtin)
        #expect(state.trainings.first?.fineTuningMethod == .lora)
        #expect(state.trainings.first?.seed == 0)
        #expect(state.trainings.first?.evaluation == EvaluationConfig(datasetVersion: "planner/2025-01-10", baseline: .production))
    }

    @Test func commandGoesWithRunnerCommandOnly() {
        let commandWithoutRunner = training("batch_size: 16", with: "batch_size: 16\n    command: [python3, train.py]")
        expectSingleError(commandWithoutRunner, at: "training.yaml:11:14", message: "command is set but the runner is builtin", hint: "runner: command")
        let runnerWithoutCommand = training("batch_size: 16", with: "batch_size: 16\n    runner: command")
        expectSingleError(runnerWithoutCommand, at: "training.yaml:11:13", message: "runner is command but no command is given")
        let evaluation = "\n    evaluation: { command: [python3, predict.py, \"{rows_file}\", \"{predictions_file}\"] }"
        let (state, ok) = validate(validTree.merging([
            "training.yaml": validTree["training.yaml"]!.replacingFirst(
                "batch_size: 16", with: "batch_size: 16\n    runner: command\n    command: [python3, train.py, --dataset, \"{dataset_dir}\"]"
                    + "\n    timeout: 600" + evaluation)
        ]) { $1 })
        #expect(ok.isEmpty, "\(ok.map(describe))")
        #expect(state.trainings.first?.runner == .command(CommandSpec(["python3", "train.py", "--dataset", "{dataset_dir}"], timeoutSeconds: 600)))
        #expect(state.trainings.first?.evaluation.command == CommandSpec(["python3", "predict.py", "{rows_file}", "{predictions_file}"]))
        let noEvaluation = training("batch_size: 16", with: "batch_size: 16\n    runner: command\n    command: [python3, train.py]")
        expectSingleError(noEvaluation, at: "training.yaml:11:13", message: "a command training needs evaluation.command")
        let builtinEvaluated = training("batch_size: 16", with: "batch_size: 16" + evaluation)
        expectSingleError(builtinEvaluated, at: "training.yaml:11:17", message: "evaluation.command is set but the runner is builtin")
        let builtinTimeout = training("batch_size: 16", with: "batch_size: 16\n    timeout: 60")
        expectSingleError(builtinTimeout, at: "training.yaml:11:14", message: "timeout is set but the runner is builtin")
        let evaluationPlaceholder = training(
            "batch_size: 16", with: "batch_size: 16\n    runner: command\n    command: [python3, train.py]"
                + "\n    evaluation: { command: [python3, predict.py, \"{dataset_dir}/x\", \"{output_dir}\"] }")
        expectSingleError(evaluationPlaceholder, at: "training.yaml:13:69", message: "unknown placeholder '{output_dir}'")
        let badPlaceholder = training("batch_size: 16", with: "batch_size: 16\n    runner: command\n    command: [python3, train.py, \"{datset_dir}\"]" + evaluation)
        expectSingleError(badPlaceholder, at: "training.yaml:12:34", message: "unknown placeholder '{datset_dir}'", hint: "did you mean `dataset_dir`?")
    }

    @Test func evaluationBaselineAndDataset() {
        let (state, diagnostics) = validate(validTree.merging([
            "training.yaml": validTree["training.yaml"]!.replacingFirst(
                "batch_size: 16", with: "batch_size: 16\n    evaluation: { dataset_version: planner/holdout, baseline: 3 }")
        ]) { $1 })
        #expect(diagnostics.isEmpty)
        #expect(state.trainings.first?.evaluation == EvaluationConfig(datasetVersion: "planner/holdout", baseline: .version(3)))
        let bad = training("batch_size: 16", with: "batch_size: 16\n    evaluation: { baseline: prod }")
        expectSingleError(bad, at: "training.yaml:11:29", message: "invalid baseline 'prod'", field: "evaluation.baseline")
    }
}
