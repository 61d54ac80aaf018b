import ExpctlModel
import ExpctlPlan
import PlanningTestSupport
import Testing

/// The example with promotions: version 1 in production, the trained version a candidate.
private let promotedTree = exampleTree + """

    promotions:
      - { model: planner_model, version: 1, stage: production }
      - { model: planner_model, training: planner-2025-01-10, stage: candidate }
    """

private func registry(_ versions: [ModelVersionState], aliases: [String: String] = [:]) -> RegistryState {
    RegistryState(models: ["planner_model": RegisteredModelState(
        name: "planner_model", versions: Dictionary(uniqueKeysWithValues: versions.map { ($0.version, $0) }), aliases: aliases)])
}

/// The registry once git's promotions are in force: v1 production, v2 (trained) candidate.
private let convergedRegistry = registry([
    ModelVersionState(version: "1", tags: ["stage": "production", "expctl.stage": "production"]),
    ModelVersionState(
        version: "2",
        tags: [
            "stage": "candidate", "expctl.stage": "candidate", "expctl.training": "planner-2025-01-10", "expctl.job": trainingJob,
            "expctl.offline_gate": "pass",
            "team": "planning",
        ]),
], aliases: ["production": "1", "candidate": "2", "champion": "1"])

/// The id `converged` gives the training's job.
private let trainingJob = "job-planner-2025-01-10"

/// Plans `text` against its converged state and `registry`; with `jobState`, the training's
/// job is in that state instead of succeeded (with version 2).
private func plan(_ registry: RegistryState, text: String = promotedTree, jobState: JobState = .succeeded) -> Plan {
    let state = desired(text)
    var observed = converged(state)
    if jobState != .succeeded {
        observed = observed.with(job: job(for: state.trainings[0], state: jobState))
        observed.database.policies["planner_policy"]!.versions[2] = nil
        observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
    }
    observed.registry = .read(registry)
    observed.registryModels = ["planner_model"]
    return makePlan(state, observed.evaluated(for: state))
}

@Suite("Planning the MLflow model registry")
struct RegistryPlanningTests {
    @Test func convergedRegistryHasNoChangesAndUnmanagedTagsAndAliasesStay() {
        let converged = plan(convergedRegistry)
        #expect(converged.actions.isEmpty, "\(converged.summary)")
        #expect(converged.problems.isEmpty)
    }

    @Test func aPolicyVersionMustPointAtARegisteredReadyVersion() throws {
        let missing = plan(registry([ModelVersionState(version: "2"), ModelVersionState(version: "3")]))
        let problem = try #require(missing.problems.first)
        #expect(problem.message.hasSuffix("which is not registered in MLflow: policies must reference registered MLflow model versions"))
        #expect(problem.hint == "register it first, or point at a registered version (2, 3)")
        #expect(problem.source?.path == "desired.yaml")
        #expect(problem.source?.line == 14)
        let pending = plan(registry([ModelVersionState(version: "1", status: "PENDING_REGISTRATION")]))
        #expect(pending.problems.first?.message.contains("which is PENDING_REGISTRATION, not READY") == true)
        let noModel = plan(.empty)
        #expect(noModel.problems.first?.hint == "register the model planner_model in MLflow first, or fix mlflow_model_name")
    }

    @Test func promotionsSetStageTagsAndAliases() {
        let fresh = plan(registry([
            ModelVersionState(version: "1"), ModelVersionState(version: "2", tags: ["expctl.training": "planner-2025-01-10", "expctl.job": trainingJob]),
        ]))
        #expect(fresh.summary == [
            "update model_version.planner_model/1", "update model_version.planner_model/2",
            "create model_alias.planner_model@candidate", "create model_alias.planner_model@production",
        ])
        #expect(fresh.action("update model_version.planner_model/2")?.changes == [
            FieldChange(field: "stage", before: nil, after: .string("candidate")),
        ])
    }

    @Test func aNewProductionVersionArchivesThePreviousOne() {
        let text = promotedTree
            .replacingOccurrences(of: "{ model: planner_model, version: 1, stage: production }", with: "{ model: planner_model, version: 3, stage: production }")
        var state = convergedRegistry
        state.models["planner_model"]!.versions["3"] = ModelVersionState(version: "3")
        let promoted = plan(state, text: text.replacingOccurrences(of: "mlflow_model_version: 1,", with: "mlflow_model_version: 3,"))
        #expect(promoted.summary == [
            "update model_version.planner_model/1", "update model_version.planner_model/3", "update model_alias.planner_model@production",
        ])
        #expect(promoted.action("update model_version.planner_model/1")?.changes.first?.after == .string("archived"))
        #expect(promoted.action("update model_version.planner_model/1")?.reason == "another version of planner_model is promoted to production")
        // The archival comes from the new production version's promotion, which is its lineage.
        #expect(promoted.action("update model_version.planner_model/1")?.source == promoted.action("update model_version.planner_model/3")?.source)
        let demoted = plan(convergedRegistry, text: promotedTree.replacingOccurrences(of: "version: 1, stage: production", with: "version: 1, stage: archived"))
        #expect(demoted.action("update model_version.planner_model/1")?.reason == "changed in git from production")
        #expect(promoted.action("update model_alias.planner_model@production")?.changes
            == [FieldChange(field: "version", before: .string("1"), after: .string("3"))])
    }

    @Test func changesByHandAreDriftThatThePlanRestores() {
        var state = convergedRegistry
        state.models["planner_model"]!.versions["1"]!.tags["stage"] = "archived"
        state.models["planner_model"]!.aliases["candidate"] = "1"
        let drift = plan(state)
        #expect(drift.summary == ["update model_version.planner_model/1", "update model_alias.planner_model@candidate"])
        #expect(drift.action("update model_version.planner_model/1")?.reason == "changed in MLflow by hand (drift); git says production")
        var untracked = convergedRegistry
        untracked.models["planner_model"]!.versions["1"]!.tags = ["stage": "archived"]
        #expect(plan(untracked).action("update model_version.planner_model/1")?.reason == "git says production; MLflow has archived, not set by expctl")
        var extra = convergedRegistry
        extra.models["planner_model"]!.aliases["candidate"] = nil
        #expect(plan(extra).summary == ["create model_alias.planner_model@candidate"])
        // A promotion removed from git: the version keeps its stage, and the alias follows it.
        let noCandidate = promotedTree.replacingOccurrences(
            of: "  - { model: planner_model, training: planner-2025-01-10, stage: candidate }", with: "")
        #expect(plan(convergedRegistry, text: noCandidate).summary == [])
        var archived = convergedRegistry
        archived.models["planner_model"]!.versions["2"]!.tags["stage"] = "archived"
        archived.models["planner_model"]!.versions["2"]!.tags["expctl.stage"] = "archived"
        #expect(plan(archived, text: noCandidate).summary == ["retire model_alias.planner_model@candidate"])
    }

    @Test func aPromotionOfAnUntrainedVersionWaitsOnItsTrainingsJob() throws {
        let onlyProduction = registry([ModelVersionState(version: "1", tags: ["stage": "production"])], aliases: ["production": "1"])
        let waiting = plan(onlyProduction, jobState: .pending)
        let action = try #require(waiting.action("update model_version.planner_model/(from training planner-2025-01-10)"))
        guard case .waiting(let dependencies) = action.readiness, case .job(let job)? = dependencies.first else {
            Issue.record("the promotion does not wait on the job")
            return
        }
        #expect(job.job.name == "planner-2025-01-10")
        #expect(job.evidence.state == "pending")
        #expect(PlanText.render(waiting).contains("  # waits on job training planner-2025-01-10: pending (inputs "))
        #expect(PlanText.summary(waiting) == "Plan: 0 to add, 0 to change, 0 to retire. 3 waiting on jobs or gates.")
        // In a pull-request comment the waiting change is context, not a green line.
        let markdown = PlanMarkdown.render(waiting)
        #expect(markdown.contains("\n      + stage = \"candidate\"\n"))
        #expect(!markdown.split(separator: "\n").contains { $0.hasPrefix("+") && $0.contains("stage") })
        #expect(markdown.contains(":hourglass: `update model_version.planner_model/(from training planner-2025-01-10)` waits on job training planner-2025-01-10: pending"))
        let file = PlanFile(plan: waiting, observed: StateDigests(database: "d", jobs: "j"), ref: nil)
        #expect(try PlanFile.parse(file.text).get().plan == waiting)
        // A failed job blocks the promotion; the alias stays where it is.
        let failed = plan(onlyProduction, jobState: .failed)
        guard case .blocked(let reason)? = failed.action("update model_version.planner_model/(from training planner-2025-01-10)")?.readiness else {
            Issue.record("the promotion is not blocked")
            return
        }
        #expect(reason.kind == .jobFailed)
        #expect(failed.action("create model_alias.planner_model@candidate") == nil)
    }

    @Test func aProductionPromotionWaitingOnItsTrainingKeepsTheCurrentProductionServing() {
        let text = promotedTree
            .replacingOccurrences(of: "  - { model: planner_model, version: 1, stage: production }\n", with: "")
            .replacingOccurrences(of: "training: planner-2025-01-10, stage: candidate", with: "training: planner-2025-01-10, stage: production")
        let untrained = registry([ModelVersionState(version: "1", tags: ["stage": "production", "expctl.stage": "production"])], aliases: ["production": "1"])
        let waiting = plan(untrained, text: text, jobState: .running)
        #expect(waiting.summary.contains("update model_version.planner_model/(from training planner-2025-01-10)"))
        #expect(!waiting.summary.contains { $0.contains("model_alias") || $0.hasSuffix("planner_model/1") })
        #expect(waiting.readyActions.isEmpty)
    }

    @Test func aTrainingPromotionNamesTheVersionItsJobRegisteredNeverAHandRegisteredOne() {
        let handRegistered = registry([
            ModelVersionState(version: "1", tags: ["stage": "production", "expctl.stage": "production"]),
            ModelVersionState(version: "2", tags: ["expctl.training": "planner-2025-01-10", "expctl.job": trainingJob]),
            ModelVersionState(version: "10", tags: ["expctl.training": "planner-2025-01-10"]),
            ModelVersionState(version: "3", tags: ["expctl.training": "planner-2025-01-10"]),
        ], aliases: ["production": "1"])
        // Dictionary order changes from process to process: the answer must not.
        for _ in 0..<20 {
            #expect(plan(handRegistered).summary == [
                "update model_version.planner_model/2", "update model_version_tags.planner_model/2",
                "create model_alias.planner_model@candidate",
            ])
        }
        // The job's version missing from MLflow blocks the promotion rather than picking another.
        var deleted = handRegistered
        deleted.models["planner_model"]!.versions["2"] = nil
        let blocked = plan(deleted)
        guard case .blocked(let reason)? = blocked.action("update model_version.planner_model/(from training planner-2025-01-10)")?.readiness else {
            Issue.record("not blocked")
            return
        }
        #expect(reason.kind == .modelVersionMissing)
        #expect(!blocked.summary.contains("update model_version.planner_model/10"))
    }

    @Test func twoPromotionsOfOneVersionAreAProblem() {
        let text = promotedTree.replacingOccurrences(
            of: "  - { model: planner_model, version: 1, stage: production }",
            with: "  - { model: planner_model, version: 1, stage: production }\n  - { model: planner_model, version: 2, stage: archived }")
        let twice = plan(convergedRegistry, text: text)
        #expect(twice.problems.map(\.message) == [
            "planner_model version 2 is promoted twice: to archived at desired.yaml:21:5 and to candidate",
        ])
    }

    @Test func aStageTagOutsideTheKnownStagesIsShownAsItIs() {
        var odd = convergedRegistry
        odd.models["planner_model"]!.versions["1"]!.tags["stage"] = "Production"
        let restored = plan(odd)
        #expect(restored.action("update model_version.planner_model/1")?.changes
            == [
                FieldChange(field: "stage", before: .string("Production"), after: .string("production")),
                FieldChange(field: "expctl.was_production", before: nil, after: .string("true")),
            ])
        #expect(restored.action("update model_version.planner_model/1")?.reason == "changed in MLflow by hand (drift); git says production")
    }

    @Test func aPromotionOfAnUnregisteredModelSaysSo() {
        let problems = plan(RegistryState(), text: promotedTree).problems.map(\.hint)
        #expect(problems.contains("the model planner_model is not registered in MLflow: register it and the version first"))
    }
}
