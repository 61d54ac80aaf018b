import ExpctlDesiredState
import ExpctlModel
import Testing

@Suite("Rules that need the whole tree")
struct CrossFileRulesTests {
    @Test func oneTrainingCannotFeedTwoPolicyVersions() {
        let diagnostics = validate(replacing: [
            "policies.yaml": validTree["policies.yaml"]!
                + "\n      - version: 3\n        mlflow_model_name: planner_model\n        training: planner-2025-01-10\n"
        ])
        expectSingleError(
            diagnostics, at: "policies.yaml:10:9",
            message: "training 'planner-2025-01-10' already feeds planner_policy@2",
            hint: "declare a separate training", field: "training")
    }

    @Test func trainingDeclaredForAnotherPolicy() {
        let diagnostics = validate(replacing: [
            "other.yaml":
                "policies:\n  - name: ranker_policy\n    versions:\n      - { version: 1, mlflow_model_name: planner_model, training: planner-2025-01-10 }\n",
            "policies.yaml": validTree["policies.yaml"]!.replacingFirst(
                "      - version: 2\n        mlflow_model_name: planner_model\n        training: planner-2025-01-10",
                with: ""),
            "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                "planner_policy@2", with: "planner_policy@1"),
        ])
        expectSingleError(
            diagnostics, at: "other.yaml:4:9",
            message:
                "training 'planner-2025-01-10' is declared for policy 'planner_policy' (training.yaml:2:11), not 'ranker_policy'"
        )
    }

    @Test func gatesDeclaredTwiceAlsoWhenOneIsInvalid() {
        let diagnostics = validate(replacing: [
            "gates-a.yaml": "gates:\n  offline:\n    alpha: 2\n",
            "gates-b.yaml": "gates:\n  online:\n    alpha: 0.05\n",
        ])
        #expect(
            diagnostics.map(\.message) == [
                "alpha 2 must be between 0 and 0.5 (exclusive)",
                "gate profile 'default' is defined twice: here and at gates-a.yaml:2:3",
            ])
    }

    @Test func nameDefinedTwiceAlsoWhenOneDefinitionIsInvalid() {
        let diagnostics = validate(replacing: [
            "experiments/z.yaml": """
            experiments:
              - name: planner_policy_exp
                unit_type: user
                variants:
                  - { name: a, allocation: 0.5, policy_version: planner_policy@1 }
                  - { name: a, allocation: 0.5, policy_version: planner_policy@1 }
            """
        ])
        #expect(
            diagnostics.map(\.message) == [
                "experiment 'planner_policy_exp' is defined twice: here and at experiments/planner.yaml:2:11",
                "variant 'a' is repeated in this experiment (first at line 5)",
            ])
        #expect(diagnostics.first?.location.description == "experiments/z.yaml:2:11")
    }

    @Test func policyWithoutVersions() {
        let diagnostics = validate(replacing: ["more.yaml": "policies:\n  - name: ranker_policy\n    versions: []\n"])
        expectSingleError(diagnostics, at: "more.yaml:3:15", message: "policy has no versions", hint: "add `versions:`")
    }

    @Test func weightsSumMessageIsStable() {
        for _ in 0..<3 {
            let diagnostics = validate(replacing: [
                "gates.yaml":
                    "gates:\n  offline:\n    weights: { plan_alignment_score: 0.4, meal_diversity_score: 0.2, leftovers_utility_score: 0.08, edit_distance_score: 0.1 }\n"
            ])
            #expect(diagnostics.first?.message == "weights sum to 0.78, not 1")
        }
    }

    @Test func allocationHintNeverSuggestsZero() {
        let diagnostics = validate(replacing: [
            "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                "allocation: 0.1\n", with: "allocation: 0.00001\n")
        ])
        #expect(diagnostics.first?.hint?.hasSuffix("e.g. 0.0001") == true)
    }
}
