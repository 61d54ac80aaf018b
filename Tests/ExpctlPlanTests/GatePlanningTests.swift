import ExpctlModel
import ExpctlPlan
import PlanningTestSupport
import Testing

private let trainedVersion = "create policy_version.planner_policy@2"
private let trainedVariant = "create experiment.planner_policy_exp/variant.leftovers_v2"

/// The example tree with `promotions` appended.
private func tree(promotions: String = "") -> DesiredState {
    desired(exampleTree + (promotions.isEmpty ? "" : "\npromotions:\n" + promotions))
}

/// The example's database without the trained version and its variant; the training's job
/// succeeded with version 2; MLflow holds version 1 (with `tags1`) and the job's version 2.
private func observed(
    _ state: DesiredState, tags1: [String: String] = ["stage": "production", "expctl.stage": "production"],
    tags2: [String: String] = [:], production: String? = "1"
) -> ObservedState {
    var observed = converged(state)
    observed.database.policies["planner_policy"]!.versions[2] = nil
    observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
    let versions = [
        "1": ModelVersionState(version: "1", tags: tags1),
        "2": ModelVersionState(
            version: "2", tags: tags2.merging([RegistryTags.job: "job-planner-2025-01-10"]) { a, _ in a }),
    ]
    observed.registry = .read(
        RegistryState(models: [
            "planner_model": RegisteredModelState(
                name: "planner_model", versions: versions, aliases: production.map { ["production": $0] } ?? [:])
        ]))
    observed.registryModels = ["planner_model"]
    return observed
}

private func blockReason(_ action: PlannedAction?) -> BlockReason? {
    if case .blocked(let reason)? = action?.readiness { reason } else { nil }
}

private func gateDependencies(_ action: PlannedAction?) -> [GateDependency] {
    guard case .waiting(let dependencies)? = action?.readiness else { return [] }
    return dependencies.compactMap { if case .gate(let gate) = $0 { gate } else { nil } }
}

@Suite("Gates in the plan: the offline gate, the lifecycle, their evidence")
struct GatePlanningTests {
    @Test func theTrainedVersionWaitsOnItsEvaluationJobThenOnItsPass() throws {
        let state = tree()
        let planned = makePlan(state, observed(state))
        #expect(planned.readyActions.map(\.id) == ["create job.evaluation/planner-2025-01-10"])
        let gates = gateDependencies(planned.action(trainedVersion))
        #expect(gates.map(\.subject) == ["planner_model/2"])
        #expect(gates.first?.evidence.detail == "waiting: the offline replay has not run yet")
        #expect(PlanText.render(planned).contains("  # waits on offline gate for planner_model/2: waiting"))
        // The evaluation compares version 2 with the production version.
        #expect(
            planned.action("create job.evaluation/planner-2025-01-10")?.after("inputs").flatMap {
                if case .object(let inputs) = $0 { inputs["baseline_version"] } else { nil }
            } == .string("1"))
        let passed = makePlan(state, observed(state).evaluated(for: state))
        #expect(passed.action(trainedVersion)?.readiness == .ready)
        #expect(passed.action(trainedVariant)?.readiness == .ready)
        let report = try #require(passed.gates.first { $0.kind == .offline })
        #expect(report.verdict == .pass)
        #expect(report.headline.hasPrefix("pass: offline score 0.8000 ≥ baseline 0.7000 (version 1) + 0.00"))
        #expect(report.identity.baselineVersion == "1")
        #expect(passed.newGateDecisions == 2)  // the offline verdict, and the move to candidate it allows
    }

    @Test func aFailedOfflineGateBlocksTheVersionAndItsVariantWithTheEvidence() throws {
        let state = tree()
        let failed = makePlan(state, observed(state).evaluated(for: state, candidateScore: 0.6, baselineScore: 0.7))
        let reason = try #require(blockReason(failed.action(trainedVersion)))
        #expect(reason.kind == .gateFailed)
        #expect(
            reason.message.contains("fail: offline score 0.6000 < baseline 0.7000 (version 1) + 0.00"),
            "\(reason.message)")
        #expect(blockReason(failed.action(trainedVariant))?.via == trainedVersion)
        guard case .gate(let gate)? = reason.dependency else {
            Issue.record("no gate evidence")
            return
        }
        #expect(gate.evidence.state == "fail")
        #expect(gate.evidence.figures.contains(Figure(name: "offline_eval_score", value: 0.6)))
        // No stage for a version that failed; its tag says why.
        #expect(failed.action("update model_version.planner_model/2") == nil)
        #expect(
            failed.action("update model_version_tags.planner_model/2")?.changes == [
                FieldChange(field: "expctl.offline_gate", before: nil, after: .string("fail: offline_eval_score"))
            ])
        #expect(failed.action("update model_version_tags.planner_model/2")?.readiness == .ready)
        // With a promotion to candidate in git, the promotion is blocked, and the tag still lands.
        let promoted = tree(promotions: "  - { model: planner_model, training: planner-2025-01-10, stage: candidate }")
        let gated = makePlan(promoted, observed(promoted).evaluated(for: promoted, candidateScore: 0.6, baselineScore: 0.7))
        #expect(blockReason(gated.action("update model_version.planner_model/2"))?.kind == .gateFailed)
        #expect(gated.action("update model_version_tags.planner_model/2")?.readiness == .ready)
        let text = PlanText.render(failed)
        #expect(
            text.contains("  offline gate for planner_model/2 (profile default): fail: offline score 0.6000 < baseline")
        )
        #expect(text.contains("      - offline_eval_score: offline score 0.6000 < baseline 0.7000"))
        #expect(PlanMarkdown.render(failed).contains("| offline | `planner_model/2` | default | **fail** |"))
    }

    @Test func theFirstModelIsJudgedByTheAbsoluteCriteriaAlone() throws {
        let state = tree()
        var first = observed(state, tags1: [:], production: nil)
        first = first.evaluated(for: state)
        let plan = makePlan(state, first)
        let report = try #require(plan.gates.first { $0.kind == .offline })
        #expect(report.verdict == .pass)
        #expect(report.identity.baselineVersion == nil)
        #expect(report.criteria.map(\.name) == ["baseline", "constraint_respect_score"])
        #expect(report.criteria.first?.text.hasPrefix("first model: no production version") == true)
    }

    @Test func promotionsFollowTheLifecycleWithoutSkippingAStage() throws {
        // A version no training registered has no offline verdict: promoting it is a skipped stage.
        let handMade = tree(promotions: "  - { model: planner_model, version: 1, stage: candidate }")
        let skipped = makePlan(handMade, observed(handMade, tags1: [:], production: nil).evaluated(for: handMade))
        let reason = try #require(blockReason(skipped.action("update model_version.planner_model/1")))
        #expect(reason.kind == .stageSkipped)
        #expect(
            reason.message.hasPrefix(
                "planner_model/1 cannot move from none to candidate: it has not passed the offline gate"))
        // The trained version passed offline; with a production version in place it needs the
        // online gate too, which nothing gathers without an experiment serving it.
        let toProduction = tree(
            promotions: "  - { model: planner_model, training: planner-2025-01-10, stage: production }")
        let online = makePlan(toProduction, observed(toProduction).evaluated(for: toProduction))
        let missing = try #require(blockReason(online.action("update model_version.planner_model/2")))
        #expect(missing.kind == .stageSkipped)
        #expect(missing.message.contains("it has not passed the online gate"))
        // The archival of version 1 and the alias wait for the promotion they follow.
        #expect(
            blockReason(online.action("update model_version.planner_model/1"))?.via
                == "update model_version.planner_model/2")
        #expect(blockReason(online.action("update model_alias.planner_model@production")) != nil)
        // The first production version of a model needs the offline pass alone.
        let first = makePlan(
            toProduction, observed(toProduction, tags1: [:], production: nil).evaluated(for: toProduction))
        let promote = try #require(first.action("update model_version.planner_model/2"))
        #expect(promote.readiness == .ready)
        #expect(promote.changes.map(\.field) == ["stage", "expctl.was_production"])
        #expect(first.action("update model_version_tags.planner_model/2")?.after("expctl.offline_gate") == .string("pass"))
        let record = try #require(first.gates.first { $0.kind == .lifecycle })
        #expect(
            record.headline
                == "promote: planner_model/2 none → production (offline gate passed; the model's first production version)"
        )
    }

    @Test func aRollbackNeedsNoGateAndIsRecordedAsOne() throws {
        // Version 1 was in production and is archived; git puts it back.
        let back = tree(promotions: "  - { model: planner_model, version: 1, stage: production }")
        let archived = ["stage": "archived", "expctl.stage": "archived", "expctl.was_production": "true"]
        let plan = makePlan(back, observed(back, tags1: archived, production: nil).evaluated(for: back))
        let rollback = try #require(plan.action("update model_version.planner_model/1"))
        #expect(rollback.readiness == .ready)
        let record = try #require(plan.gates.first { $0.kind == .lifecycle && $0.subject == "planner_model/1" })
        #expect(record.headline == "rollback: planner_model/1 archived → production (a rollback needs no gate)")
        #expect(record.verdict == .pass)
    }

    @Test func aRecordedVerdictIsNotRecordedAgain() throws {
        let state = tree()
        var evaluated = observed(state).evaluated(for: state)
        let first = makePlan(state, evaluated)
        for report in first.gates {
            evaluated.gates.decisions[GateSubject(kind: report.kind, subject: report.subject)] = RecordedGateDecision(
                verdict: report.verdict, evidenceDigest: report.materialDigest)
        }
        let again = makePlan(state, evaluated)
        #expect(again.newGateDecisions == 0)
        // A new verdict on the same subject is material.
        var changed = try #require(first.gates.first)
        changed.verdict = .fail
        #expect(
            changed.needsRecord(after: evaluated.gates.decisions[GateSubject(kind: .offline, subject: changed.subject)])
        )
        #expect(changed.materialDigest != first.gates.first?.materialDigest)
    }

    @Test func gateReportsReadBackFromTheJSONPlan() throws {
        let state = tree()
        let plan = makePlan(state, observed(state).evaluated(for: state, candidateScore: 0.6, baselineScore: 0.7))
        let file = PlanFile(plan: plan, observed: StateDigests(database: "d", jobs: "j"), ref: nil)
        guard case .success(let read) = PlanFile.parse(file.text) else {
            Issue.record("the plan file does not read back")
            return
        }
        #expect(read.plan == plan)
        #expect(!read.plan.gates.isEmpty)
        let edited = file.text.replacingOccurrences(of: "\"verdict\": \"fail\"", with: "\"verdict\": \"pass\"")
        guard case .failure = PlanFile.parse(edited) else {
            Issue.record("an edited verdict was read")
            return
        }
    }
}
