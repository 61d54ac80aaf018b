import ExpctlModel
import ExpctlPlan
import PlanningTestSupport
import Testing

private let createEvaluation = "create job.evaluation/planner-2025-01-10"

private func registry(production: String?) -> RegistryObservation {
    let versions = ["1", "2"].map {
        ModelVersionState(version: $0, tags: $0 == "2" ? ["expctl.job": "job-planner-2025-01-10"] : [:])
    }
    return .read(
        RegistryState(models: [
            "planner_model": RegisteredModelState(
                name: "planner_model", versions: Dictionary(uniqueKeysWithValues: versions.map { ($0.version, $0) }),
                aliases: production.map { ["production": $0] } ?? [:])
        ]))
}

private func observed(_ registry: RegistryObservation, text: String = exampleTree) -> ObservedState {
    var observed = converged(desired(text))
    observed.registry = registry
    observed.registryModels = ["planner_model"]
    return observed
}

@Suite("Planning the offline replay of trained versions")
struct EvaluationPlanningTests {
    @Test func aRegisteredVersionIsEvaluatedAgainstTheProductionVersion() throws {
        let plan = makePlan(desired(), observed(registry(production: "1")))
        let create = try #require(plan.action(createEvaluation))
        guard case .object(let inputs)? = create.after("inputs") else {
            Issue.record("no inputs")
            return
        }
        #expect(inputs["model_version"] == .string("2"))
        #expect(inputs["baseline_version"] == .string("1"))
        #expect(inputs["scorer_version"] == .string(EvaluationIdentity.scorerVersion))
        #expect(inputs["dataset_version"] == .string("planner/2025-01-10"))
        #expect(create.readiness == .ready)
    }

    @Test func theFirstModelHasNoBaselineAndANewProductionAsksForANewEvaluation() throws {
        let first = try #require(makePlan(desired(), observed(registry(production: nil))).action(createEvaluation))
        guard case .object(let inputs)? = first.after("inputs") else { return }
        #expect(inputs["baseline_version"] == .null)
        // Evaluated against version 1; then version 3 goes to production by hand: a new evaluation.
        let evaluated = observed(registry(production: "1")).evaluated(for: desired())
        #expect(makePlan(desired(), evaluated).action(createEvaluation) == nil)
        let moved = makePlan(
            desired(),
            {
                var state = evaluated
                state.registry = registry(production: "3")
                return state
            }())
        #expect(moved.action(createEvaluation) != nil)
        #expect(
            moved.action(createEvaluation)?.reason
                == "its model version, baseline, dataset or scorer changed: a new evaluation")
        // A version that is (or was) in production keeps the evaluation it was promoted on.
        var promoted = evaluated
        promoted.registry = registry(production: "2")
        if case .read(var state) = promoted.registry {
            state.models["planner_model"]!.versions["2"]!.tags["stage"] = "production"
            promoted.registry = .read(state)
        }
        let kept = makePlan(desired(), promoted)
        #expect(kept.action(createEvaluation) == nil)
        #expect(kept.gates.first { $0.kind == .offline }?.identity.baselineVersion == "1")
    }

    @Test func withoutTheRegistryOrWhileThePlanMovesProductionNoEvaluationIsPlanned() {
        #expect(makePlan(desired(), observed(.skipped)).action(createEvaluation) == nil)
        let promoting = exampleTree + "\npromotions:\n  - { model: planner_model, version: 1, stage: production }\n"
        #expect(
            makePlan(desired(promoting), observed(registry(production: nil), text: promoting)).action(createEvaluation)
                == nil)
    }

    @Test func aBaselineOfNoneOrAVersionIsTakenAsWritten() throws {
        let pinned = exampleTree.replacingOccurrences(
            of: "learning_rate: 1.0e-4, epochs: 3, batch_size: 16 }",
            with: "learning_rate: 1.0e-4, epochs: 3, batch_size: 16, evaluation: { baseline: 1 } }")
        let plan = makePlan(desired(pinned), observed(.skipped, text: pinned))
        let create = try #require(plan.action(createEvaluation))
        guard case .object(let inputs)? = create.after("inputs") else { return }
        #expect(inputs["baseline_version"] == .string("1"))
    }
}
