import ExpctlModel
import ExpctlPlan
import Foundation
import PlanningTestSupport
import Testing

@Suite("Planning experiments, variants, policies and policy versions")
struct PlannerTests {
    @Test func fromEmptyEverythingIsCreatedInDependencyOrder() throws {
        let plan = makePlan(desired())
        #expect(
            plan.summary == [
                "create job.training/planner-2025-01-10",
                "create policy.planner_policy",
                "create policy_version.planner_policy@1",
                "create policy_version.planner_policy@2",
                "create experiment.planner_policy_exp",
                "create experiment.planner_policy_exp/variant.control",
                "create experiment.planner_policy_exp/variant.leftovers_v2",
            ])
        #expect(plan.isApplicable)
        // The trained version and its variant wait on the job this plan adds.
        #expect(plan.count(.create) == 5)
        #expect(
            plan.waitingActions.map(\.id) == [
                "create policy_version.planner_policy@2", "create experiment.planner_policy_exp/variant.leftovers_v2",
            ])
        let version = try #require(plan.action("create policy_version.planner_policy@2"))
        #expect(version.after == ["create policy.planner_policy", "create job.training/planner-2025-01-10"])
        #expect(
            version.changes.map(\.field) == [
                "mlflow_model_name", "mlflow_model_version", "training", "config_defaults",
            ])
        #expect(version.after("mlflow_model_version") == .string("(known after job training planner-2025-01-10)"))
        let variant = try #require(plan.action("create experiment.planner_policy_exp/variant.leftovers_v2"))
        #expect(variant.after == ["create experiment.planner_policy_exp", "create policy_version.planner_policy@2"])
        #expect(variant.changes.first == FieldChange(field: "allocation", before: nil, after: .double(0.1)))
        #expect(variant.after("position") == .integer(1))
        #expect(variant.source?.line == 9)
    }

    @Test func convergedStateHasNoChanges() {
        let state = desired()
        let plan = makePlan(state, converged(state))
        #expect(plan.actions.isEmpty, "\(plan.summary)")
        #expect(plan.problems.isEmpty)
    }

    @Test func allocationAndParamsChangesAreUpdatesWithBeforeAndAfter() throws {
        let actual = converged(desired())
        let changed = desired(
            exampleTree
                .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.8")
                .replacingOccurrences(of: "allocation: 0.1", with: "allocation: 0.2")
                .replacingOccurrences(of: "exploration_rate: 0.15", with: "exploration_rate: 0.2"))
        let plan = makePlan(changed, actual)
        #expect(
            plan.summary == [
                "update experiment.planner_policy_exp/variant.control",
                "update experiment.planner_policy_exp/variant.leftovers_v2",
            ])
        #expect(
            plan.action("update experiment.planner_policy_exp/variant.control")?.changes == [
                FieldChange(field: "allocation", before: .double(0.9), after: .double(0.8)),
                FieldChange(
                    field: "params", before: .object(["exploration_rate": .double(0.15)]),
                    after: .object(["exploration_rate": .double(0.2)])),
            ])
    }

    @Test func aVariantRemovedFromGitIsRetiredNotDeleted() throws {
        let actual = converged(desired())
        let removed = desired(
            exampleTree
                .replacingOccurrences(
                    of: "      - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }\n", with: "")
        )
        let plan = makePlan(removed, actual)
        let retire = try #require(plan.action("retire experiment.planner_policy_exp/variant.leftovers_v2"))
        #expect(plan.actions.count == 1)
        #expect(
            retire.changes == [
                FieldChange(field: "allocation", before: .double(0.1), after: .integer(0)),
                FieldChange(field: "retired_at", before: nil, after: .string("(known after apply)")),
            ])
        // Once retired, it stays so without further actions; back in git, it is restored.
        var retired = actual
        retired.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"]!.retiredAt = Timestamp(
            seconds: 1_736_200_000)
        retired.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"]!.allocation = Allocation(
            buckets: 0)
        #expect(makePlan(removed, retired).actions.isEmpty)
        let restored = makePlan(desired(), retired)
        let update = try #require(restored.action("update experiment.planner_policy_exp/variant.leftovers_v2"))
        #expect(update.reason == "back in git after its retirement")
        #expect(update.changes.map(\.field) == ["allocation", "retired_at"])
    }

    @Test func anExperimentRemovedFromGitIsCompletedAndArchived() throws {
        let actual = converged(desired())
        var withoutExperiment = desired()
        withoutExperiment.experiments = []
        let plan = makePlan(withoutExperiment, actual)
        let retire = try #require(plan.action("retire experiment.planner_policy_exp"))
        #expect(plan.actions.count == 1)
        #expect(retire.changes.map(\.field) == ["status", "archived_at"])
        #expect(retire.changes.first?.after == .string("completed"))

        var archived = actual
        archived.database.experiments["planner_policy_exp"]!.archivedAt = Timestamp(seconds: 1_736_200_000)
        archived.database.experiments["planner_policy_exp"]!.status = .completed
        #expect(makePlan(withoutExperiment, archived).actions.isEmpty)
        let back = makePlan(desired(), archived)
        #expect(!back.isApplicable)
        #expect(back.problems.first?.message.contains("was completed and archived") == true)
        #expect(back.problems.first?.hint == "give the experiment a new name")
    }

    @Test func changingAnExistingPolicyVersionIsRefused() throws {
        let actual = converged(desired())
        let edited = desired(
            exampleTree.replacingOccurrences(
                of: "mlflow_model_version: 1, config_defaults: { temperature: 0.7 }",
                with: "mlflow_model_version: 4, config_defaults: { temperature: 0.5 }"))
        let plan = makePlan(edited, actual)
        #expect(plan.actions.isEmpty)
        let problem = try #require(plan.problems.first)
        #expect(problem.address == .policyVersion(PolicyVersionRef(policy: "planner_policy", version: 1)))
        #expect(
            problem.message
                == "policy version planner_policy@1 is immutable, but git changes its mlflow_model_version, config_defaults"
        )
        #expect(problem.hint == "restore version 1 as it was and add the change as version 3 instead")
        #expect(problem.source?.line == 14)
    }

    @Test func aTrainedVersionThatGotItsModelVersionIsNotAChange() {
        var actual = converged(desired())
        actual.database.policies["planner_policy"]!.versions[2]!.mlflowModelVersion = "7"
        #expect(makePlan(desired(), actual).actions.isEmpty)
    }

    @Test func reorderedVariantsMoveTheirPositions() throws {
        let swapped = desired(
            exampleTree
                .replacingOccurrences(
                    of:
                        "      - { name: control, allocation: 0.9, policy_version: planner_policy@1, params: { exploration_rate: 0.15 } }\n",
                    with: "")
                + "\n")
        var reordered = swapped
        reordered.experiments[0].variants.append(desired().experiments[0].variants[0])
        reordered.experiments[0].baseline = "control"
        let plan = makePlan(reordered, converged(desired()))
        #expect(
            plan.summary == [
                "update experiment.planner_policy_exp/variant.control",
                "update experiment.planner_policy_exp/variant.leftovers_v2",
            ])
        #expect(
            plan.action("update experiment.planner_policy_exp/variant.control")?.changes == [
                FieldChange(field: "position", before: .integer(0), after: .integer(1))
            ])
    }

    @Test func statusMovesFollowTheLifecycle() throws {
        var actual = converged(desired())
        actual.database.experiments["planner_policy_exp"]!.status = .paused
        let resume = makePlan(desired(), actual)
        #expect(
            resume.action("update experiment.planner_policy_exp")?.changes == [
                FieldChange(field: "status", before: .string("paused"), after: .string("running"))
            ])
        actual.database.experiments["planner_policy_exp"]!.status = .completed
        let reopen = makePlan(desired(), actual)
        #expect(!reopen.isApplicable)
        #expect(reopen.problems.first?.message == "experiment planner_policy_exp cannot move from completed to running")
        #expect(reopen.problems.first?.hint.contains("stays completed") == true)
        let backToDraft = makePlan(
            desired(exampleTree.replacingOccurrences(of: "status: running", with: "status: draft")),
            converged(desired()))
        #expect(
            backToDraft.problems.first?.hint
                == "from running it can move to paused or completed (draft → running ⇄ paused → completed)")
    }

    @Test func theSaltIsWrittenOnCreateAndFixedOnceTheExperimentLeftDraft() {
        let salted = desired(
            exampleTree.replacingOccurrences(of: "unit_type: user", with: "unit_type: user\n    salt: s-2025"))
        let create = makePlan(salted, ObservedState())
        #expect(
            create.action("create experiment.planner_policy_exp")?.changes.contains(
                FieldChange(field: "salt", before: nil, after: .string("s-2025"))) == true)
        let running = makePlan(salted, converged(desired()))
        #expect(
            running.problems.map(\.message) == [
                "experiment planner_policy_exp cannot change its salt once it has left draft: units assigned from now on "
                    + "would hash into other buckets than the running experiment's assigners use"
            ])
        #expect(running.problems.first?.hint == "remove `salt`: it hashes with the experiment's name")
        var draft = converged(desired())
        draft.database.experiments["planner_policy_exp"]!.status = .draft
        let fromDraft = makePlan(salted, draft)
        #expect(fromDraft.problems.isEmpty)
        #expect(
            fromDraft.action("update experiment.planner_policy_exp")?.changes.contains(
                FieldChange(field: "salt", before: nil, after: .string("s-2025"))) == true)
    }

    @Test func unitTypeIsFixedOnceCreated() {
        let plan = makePlan(
            desired(exampleTree.replacingOccurrences(of: "unit_type: user", with: "unit_type: household")),
            converged(desired()))
        #expect(
            plan.problems.map(\.message) == [
                "experiment planner_policy_exp cannot change its unit_type from user to household: units are already assigned by user"
            ])
    }

    @Test func normalisationIgnoresPrecisionAndBlankDescriptions() {
        var actual = converged(desired())
        actual.database.policies["planner_policy"]!.description = "Weekly meal planner"
        actual.database.experiments["planner_policy_exp"]!.description = ""
        // PostgreSQL keeps microseconds: a desired time with nanoseconds compares truncated.
        actual.database.experiments["planner_policy_exp"]!.startsAt = Timestamp(
            seconds: 1_736_121_600, nanoseconds: 123_000)
        let precise = desired(
            exampleTree
                .replacingOccurrences(of: "2025-01-06T00:00:00Z", with: "2025-01-06T00:00:00.000123456Z")
                .replacingOccurrences(of: "    description: Leftover-aware planner against control\n", with: ""))
        #expect(makePlan(precise, actual).actions.isEmpty)
    }

    @Test(arguments: [
        (ExperimentStatus.draft, ExperimentStatus.running, true), (.running, .paused, true), (.paused, .running, true),
        (.running, .completed, true), (.paused, .completed, true), (.draft, .paused, false),
        (.draft, .completed, false),
        (.completed, .running, false), (.running, .draft, false), (.paused, .draft, false),
    ])
    func lifecycle(from: ExperimentStatus, to: ExperimentStatus, allowed: Bool) {
        #expect(ExperimentLifecycle.canMove(from: from, to: to) == allowed)
    }
}
