import ExpctlDesiredState
import ExpctlModel
import Foundation
import Testing

private func promotions(_ text: String) -> [Diagnostic] { validate(replacing: ["promotions.yaml": text]) }
private func gates(_ text: String) -> [Diagnostic] { validate(replacing: ["gates.yaml": text]) }

@Suite("Rules about promotions and gates")
struct PromotionGateRulesTests {
    @Test func promotionOfAnUnknownModelOrTraining() {
        let model = promotions("promotions:\n  - model: planer_model\n    version: 1\n    stage: candidate\n")
        expectSingleError(model, at: "promotions.yaml:2:12", message: "model 'planer_model' is not used by any policy version or training", hint: "did you mean `planner_model`?")
        let training = promotions("promotions:\n  - model: planner_model\n    training: planner-2024\n    stage: candidate\n")
        expectSingleError(training, at: "promotions.yaml:3:15", message: "training 'planner-2024' is not declared")
    }

    @Test func twoProductionPromotionsForOneModel() {
        let diagnostics = promotions("""
            promotions:
              - model: planner_model
                version: 1
                stage: production
              - model: planner_model
                training: planner-2025-01-10
                stage: production
            """)
        expectSingleError(diagnostics, at: "promotions.yaml:5:5", message: "model 'planner_model' has two production promotions (first at promotions.yaml:2:5)", hint: "at most one version")
    }

    @Test func sameVersionPromotedTwice() {
        let diagnostics = promotions("""
            promotions:
              - { model: planner_model, version: 1, stage: production }
              - { model: planner_model, version: 1, stage: archived }
            """)
        expectSingleError(diagnostics, at: "promotions.yaml:3:5", message: "version 1 of model 'planner_model' is promoted twice")
    }

    @Test func promotionNeedsVersionOrTrainingAndAStage() {
        let neither = promotions("promotions:\n  - model: planner_model\n    stage: candidate\n")
        expectSingleError(neither, at: "promotions.yaml:2:5", message: "neither version nor training is set")
        let stage = promotions("promotions:\n  - model: planner_model\n    version: 1\n    stage: staging\n")
        expectSingleError(stage, at: "promotions.yaml:4:12", message: "invalid stage 'staging'", hint: "expected one of candidate, production, archived")
    }

    @Test func trainingPromotedUnderAnotherModel() {
        let diagnostics = validate(validTree.merging([
            "training.yaml": validTree["training.yaml"]! + "\n  - { name: ranker-1, task: ranker, model_name: ranker_model, base_model: m, dataset_version: r/1, learning_rate: 0.1, epochs: 1, batch_size: 1 }\n",
            "promotions.yaml": "promotions:\n  - { model: planner_model, training: ranker-1, stage: candidate }\n",
        ]) { $1 }).diagnostics
        expectSingleError(diagnostics, at: "promotions.yaml:2:5", message: "training 'ranker-1' registers into model 'ranker_model', not 'planner_model'")
    }

    @Test func gateDefaultsHoldWhereFieldsAreAbsent() {
        let (state, diagnostics) = validate(validTree.merging(["gates.yaml": "gates:\n  online:\n    min_units_per_variant: 500\n"]) { $1 })
        #expect(diagnostics.isEmpty)
        #expect(state.gates.online.minUnitsPerVariant == 500)
        #expect(state.gates.online.maxInitialAllocation == Allocation(buckets: 1_000))
        #expect(state.gates.online.metrics == OnlineGates.defaultMetrics)
        #expect(state.gates.offline == OfflineGates())
    }

    @Test func fullGatesAsDocumented() {
        let (state, diagnostics) = validate(validTree.merging(["gates.yaml": """
            gates:
              offline:
                min_score_delta: 0.01
                min_constraint_respect: 1.0
                alpha: 0.01
                weights: { plan_alignment_score: 0.5, meal_diversity_score: 0.1,
                           leftovers_utility_score: 0.2, constraint_respect_score: 0.2 }
              online:
                max_initial_allocation: 0.05
                min_units_per_variant: 2000
                alpha: 0.1
                metrics:
                  - { name: plan_acceptance_rate, direction: increase }
                  - { name: latency_ms, direction: decrease, max_regression: 0.05 }
            """]) { $1 })
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        #expect(state.gates.offline.weights["plan_alignment_score"] == 0.5)
        #expect(state.gates.offline.minScoreDelta == 0.01)
        #expect(state.gates.online.maxInitialAllocation == Allocation(buckets: 500))
        #expect(state.gates.online.metrics.count == 2)
        #expect(state.gates.online.metrics[1].maxRegression == 0.05)
    }

    @Test func gateWeightsMustSumToOne() {
        let diagnostics = gates("gates:\n  offline:\n    weights: { plan_alignment_score: 0.5, meal_diversity_score: 0.2 }\n")
        expectSingleError(diagnostics, at: "gates.yaml:3:14", message: "weights sum to 0.7", hint: "add up to exactly 1", field: "offline.weights")
    }

    @Test(arguments: [
        ("gates:\n  offline:\n    alpha: 1.5\n", "gates.yaml:3:12", "alpha 1.5 must be between 0 and 1"),
        ("gates:\n  offline:\n    min_constraint_respect: 2\n", "gates.yaml:3:29", "min_constraint_respect 2 is outside 0..1"),
        ("gates:\n  online:\n    max_initial_allocation: 0.123456\n", "gates.yaml:3:29", "more than 4 decimals"),
        ("gates:\n  online:\n    min_units_per_variant: 0\n", "gates.yaml:3:28", "must be a positive integer"),
        ("gates:\n  online:\n    metrics:\n      - { name: latency_ms, direction: down }\n", "gates.yaml:4:40", "invalid direction 'down'"),
        ("gates:\n  offline:\n    weights: { plan_alignment_score: -0.5, x: 1.5 }\n", "gates.yaml:3:38", "weight of plan_alignment_score is negative"),
        ("gates:\n  onlin:\n    alpha: 0.1\n", "gates.yaml:2:3", "unknown field 'onlin'"),
    ])
    func gateFieldsAreChecked(text: String, location: String, message: String) {
        expectSingleError(gates(text), at: location, message: message)
    }
}
