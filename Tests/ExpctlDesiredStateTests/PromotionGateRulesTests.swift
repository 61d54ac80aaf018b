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
        expectSingleError(
            model, at: "promotions.yaml:2:12",
            message: "model 'planer_model' is not used by any policy version or training",
            hint: "did you mean `planner_model`?")
        let training = promotions(
            "promotions:\n  - model: planner_model\n    training: planner-2024\n    stage: candidate\n")
        expectSingleError(training, at: "promotions.yaml:3:15", message: "training 'planner-2024' is not declared")
    }

    @Test func twoProductionPromotionsForOneModel() {
        let diagnostics = promotions(
            """
            promotions:
              - model: planner_model
                version: 1
                stage: production
              - model: planner_model
                training: planner-2025-01-10
                stage: production
            """)
        expectSingleError(
            diagnostics, at: "promotions.yaml:5:5",
            message: "model 'planner_model' has two production promotions (first at promotions.yaml:2:5)",
            hint: "at most one version")
    }

    @Test func sameVersionPromotedTwice() {
        let diagnostics = promotions(
            """
            promotions:
              - { model: planner_model, version: 1, stage: production }
              - { model: planner_model, version: 1, stage: archived }
            """)
        expectSingleError(
            diagnostics, at: "promotions.yaml:3:5", message: "version 1 of model 'planner_model' is promoted twice")
    }

    @Test func promotionNeedsVersionOrTrainingAndAStage() {
        let neither = promotions("promotions:\n  - model: planner_model\n    stage: candidate\n")
        expectSingleError(neither, at: "promotions.yaml:2:5", message: "neither version nor training is set")
        let stage = promotions("promotions:\n  - model: planner_model\n    version: 1\n    stage: staging\n")
        expectSingleError(
            stage, at: "promotions.yaml:4:12", message: "invalid stage 'staging'",
            hint: "expected one of candidate, production, archived")
    }

    @Test func trainingPromotedUnderAnotherModel() {
        let diagnostics = validate(
            validTree.merging([
                "training.yaml": validTree["training.yaml"]!
                    + "\n  - { name: ranker-1, task: ranker, model_name: ranker_model, base_model: m, dataset_version: r/1, learning_rate: 0.1, epochs: 1, batch_size: 1 }\n",
                "promotions.yaml": "promotions:\n  - { model: planner_model, training: ranker-1, stage: candidate }\n",
            ]) { $1 }
        ).diagnostics
        expectSingleError(
            diagnostics, at: "promotions.yaml:2:5",
            message: "training 'ranker-1' registers into model 'ranker_model', not 'planner_model'")
    }

    @Test func gateDefaultsHoldWhereFieldsAreAbsent() {
        let (state, diagnostics) = validate(
            validTree.merging(["gates.yaml": "gates:\n  online:\n    min_units_per_variant: 500\n"]) { $1 })
        #expect(diagnostics.isEmpty)
        #expect(state.gates.online.minUnitsPerVariant == 500)
        #expect(state.gates.online.maxInitialAllocation == Allocation(buckets: 1_000))
        #expect(state.gates.online.metrics == OnlineGates.defaultMetrics)
        #expect(state.gates.offline == OfflineGates())
    }

    @Test func fullGatesAsDocumented() {
        let (state, diagnostics) = validate(
            validTree.merging([
                "gates.yaml": """
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
                """
            ]) { $1 })
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        #expect(state.gates.offline.weights["plan_alignment_score"] == 0.5)
        #expect(state.gates.offline.minScoreDelta == 0.01)
        #expect(state.gates.online.maxInitialAllocation == Allocation(buckets: 500))
        #expect(state.gates.online.metrics.count == 2)
        #expect(state.gates.online.metrics[1].maxRegression == 0.05)
    }

    @Test func gateWeightsMustSumToOne() {
        let diagnostics = gates(
            "gates:\n  offline:\n    weights: { plan_alignment_score: 0.5, meal_diversity_score: 0.2 }\n")
        expectSingleError(
            diagnostics, at: "gates.yaml:3:14", message: "weights sum to 0.7", hint: "add up to exactly 1",
            field: "offline.weights")
    }

    @Test func namedProfilesArePickedByTrainingsAndExperiments() {
        let (state, diagnostics) = validate(
            validTree.merging([
                "gates.yaml": """
                gates:
                  - name: default
                    online: { min_units_per_variant: 800 }
                  - name: ranker
                    offline:
                      no_degradation: [plan_alignment_score]
                      degradation_margin: 0.02
                    online:
                      method: msprt
                      mixture_sd: 0.1
                      srm_threshold: 0.0001
                """,
                "training.yaml": validTree["training.yaml"]! + "\n    gates: ranker\n",
                "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                    "    unit_type: user\n", with: "    unit_type: user\n    gates: ranker\n    salt: planner-2025\n"),
            ]) { $1 })
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        #expect(state.gateProfiles.map(\.name) == ["default", "ranker"])
        #expect(state.gates.online.minUnitsPerVariant == 800)
        let training = state.trainings[0]
        #expect(training.gateProfile == "ranker")
        let ranker = state.gates(for: training)
        #expect(ranker.offline.degradationMetrics == ["plan_alignment_score"])
        #expect(ranker.offline.degradationMargin == 0.02)
        #expect(ranker.online.method == .msprt(mixtureSD: 0.1))
        #expect(ranker.online.srmThreshold == 0.0001)
        // A profile's absent fields are the built-in defaults, not the default profile's.
        #expect(ranker.online.minUnitsPerVariant == OnlineGates().minUnitsPerVariant)
        #expect(state.experiments[0].gateProfile == "ranker")
        #expect(state.experiments[0].assignmentSalt == "planner-2025")
        #expect(state.gates(profile: "default").online.method == .confidenceSequence(tuningUnits: 5_000))
    }

    @Test func anUndeclaredProfileIsAProblemWithASuggestion() {
        let diagnostics = validate(replacing: [
            "gates.yaml": "gates:\n  - name: ranker\n",
            "training.yaml": validTree["training.yaml"]! + "\n    gates: rankr\n",
        ])
        expectSingleError(
            diagnostics, at: "training.yaml:11:12", message: "gate profile 'rankr' is not declared",
            hint: "did you mean `ranker`?")
        // `default` needs no declaration: it is the built-in gates.
        #expect(validate(replacing: ["training.yaml": validTree["training.yaml"]! + "\n    gates: default\n"]).isEmpty)
    }

    @Test func aProfileNamedTwiceAcrossFilesNamesTheFirst() {
        let diagnostics = validate(replacing: [
            "gates-a.yaml": "gates:\n  - name: ranker\n", "gates-b.yaml": "gates:\n  - name: ranker\n",
        ])
        expectSingleError(
            diagnostics, at: "gates-b.yaml:2:11",
            message: "gate profile 'ranker' is defined twice: here and at gates-a.yaml:2:11")
    }

    @Test func anEmptySaltIsRefused() {
        let diagnostics = validate(replacing: [
            "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                "    unit_type: user\n", with: "    unit_type: user\n    salt: \"\"\n")
        ])
        expectSingleError(diagnostics, at: "experiments/planner.yaml:4:11", message: "salt must be 1 to 200 bytes")
    }

    @Test(arguments: [
        (
            "gates:\n  offline:\n    no_degradation: [plan_alignment, edit_distance_score]\n", "gates.yaml:3:22",
            "unknown metric 'plan_alignment'"
        ),
        (
            "gates:\n  offline:\n    degradation_margin: -0.1\n", "gates.yaml:3:25",
            "degradation_margin must be 0 or more"
        ),
        (
            "gates:\n  online:\n    method: msprt\n    tuning_units: 100\n", "gates.yaml:4:19",
            "tuning_units does not apply to method msprt"
        ),
        ("gates:\n  online:\n    method: bayes\n", "gates.yaml:3:13", "unknown method 'bayes'"),
        ("gates:\n  online:\n    srm_threshold: 0\n", "gates.yaml:3:20", "srm_threshold 0 must be between 0 and 1"),
        (
            "gates:\n  online:\n    metrics:\n      - { name: acceptance, direction: increase }\n", "gates.yaml:4:17",
            "unknown online metric 'acceptance'"
        ),
        (
            "gates:\n  offline:\n    weights: { plan_alignment: 1 }\n", "gates.yaml:3:16",
            "unknown offline metric 'plan_alignment'"
        ),
        ("gates:\n  - name: ranker\n    offlin: {}\n", "gates.yaml:3:5", "unknown field 'offlin'"),
        ("gates:\n  offline:\n    alpha: 1.5\n", "gates.yaml:3:12", "alpha 1.5 must be between 0 and 0.5"),
        (
            "gates:\n  offline:\n    min_constraint_respect: 2\n", "gates.yaml:3:29",
            "min_constraint_respect 2 is outside 0..1"
        ),
        ("gates:\n  online:\n    max_initial_allocation: 0.123456\n", "gates.yaml:3:29", "more than 4 decimals"),
        ("gates:\n  online:\n    min_units_per_variant: 0\n", "gates.yaml:3:28", "must be a positive integer"),
        (
            "gates:\n  online:\n    metrics:\n      - { name: latency_ms, direction: down }\n", "gates.yaml:4:40",
            "invalid direction 'down'"
        ),
        (
            "gates:\n  offline:\n    weights: { plan_alignment_score: -0.5, edit_distance_score: 1.5 }\n",
            "gates.yaml:3:38", "weight of plan_alignment_score is negative"
        ),
        ("gates:\n  onlin:\n    alpha: 0.1\n", "gates.yaml:2:3", "unknown field 'onlin'"),
    ])
    func gateFieldsAreChecked(text: String, location: String, message: String) {
        expectSingleError(gates(text), at: location, message: message)
    }
}
