import ExpctlModel
import ExpctlPlan
import PlanningTestSupport
import Testing

private let trainedVersion = "create policy_version.planner_policy@2"
private let trainedVariant = "create experiment.planner_policy_exp/variant.leftovers_v2"

/// The example tree's training.
private var training: TrainingConfig { desired().trainings[0] }

/// The database with everything of the example but the trained version and its variant,
/// and the ledger holding `job`.
private func waitingOn(_ job: LedgerJob?, registry: RegistryObservation = .skipped) -> ObservedState {
    var observed = converged(desired())
    observed.database.policies["planner_policy"]!.versions[2] = nil
    observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
    observed.jobs = JobLedgerState(jobs: job.map { [$0] } ?? [])
    observed.registry = registry
    return observed
}

/// MLflow holding planner_model version 1 in production and `version`, registered by `job`.
private func mlflow(holding version: String, registeredBy job: LedgerJob) -> RegistryObservation {
    let versions = [
        "1": ModelVersionState(version: "1", tags: [RegistryTags.stage: "production"]),
        version: ModelVersionState(version: version, tags: [RegistryTags.job: job.id]),
    ]
    return .read(RegistryState(models: [
        "planner_model": RegisteredModelState(name: "planner_model", versions: versions, aliases: ["production": "1"]),
    ]))
}

/// `waitingOn` a succeeded job whose version MLflow holds and the offline gate passed.
private func passed(_ job: LedgerJob, version: String) -> ObservedState {
    waitingOn(job, registry: mlflow(holding: version, registeredBy: job)).evaluated(for: desired())
}

private func jobDependency(_ readiness: Readiness?) -> JobDependency? {
    guard case .waiting(let dependencies)? = readiness else { return nil }
    for case .job(let job) in dependencies { return job }
    return nil
}

@Suite("Readiness: jobs the plan waits on, and what blocks it")
struct ReadinessTests {
    @Test func aTrainingIsAJobIdentifiedByTheMeaningOfItsConfig() {
        let reordered = desired(exampleTree.replacingOccurrences(
            of: "{ name: planner-2025-01-10, task: planner, model_name: planner_model, base_model: llama-3-8b,",
            with: "{ task: \"planner\", base_model: 'llama-3-8b', name: planner-2025-01-10, model_name: planner_model, # a comment\n     "))
        #expect(reordered.trainings[0].inputsDigest == training.inputsDigest)
        let sameRate = desired(exampleTree.replacingOccurrences(of: "learning_rate: 1.0e-4", with: "learning_rate: 0.0001"))
        #expect(sameRate.trainings[0].inputsDigest == training.inputsDigest)
        let otherRate = desired(exampleTree.replacingOccurrences(of: "learning_rate: 1.0e-4", with: "learning_rate: 2.0e-4"))
        #expect(otherRate.trainings[0].inputsDigest != training.inputsDigest)
        #expect(training.inputsDigest.count == 64)
    }

    @Test func aPlannedJobIsCreatedPendingAndWhatNeedsItWaits() throws {
        let plan = makePlan(desired(), waitingOn(nil))
        #expect(plan.summary == ["create job.training/planner-2025-01-10", trainedVersion, trainedVariant])
        let create = try #require(plan.action("create job.training/planner-2025-01-10"))
        #expect(create.readiness == .ready)
        #expect(create.after("inputs_digest") == .string(training.inputsDigest))
        #expect(create.after("state") == .string("pending"))
        #expect(create.after("inputs") == .object(training.jobInputs))
        let dependency = try #require(jobDependency(plan.action(trainedVersion)?.readiness))
        #expect(dependency.job == JobKey(kind: .training, name: "planner-2025-01-10", inputsDigest: training.inputsDigest))
        #expect(dependency.evidence.state == "planned")
        // The variant waits on the same job, through the policy version.
        guard case .waiting(let variantWaits)? = plan.action(trainedVariant)?.readiness else {
            Issue.record("the variant does not wait")
            return
        }
        #expect(variantWaits == [.action(trainedVersion), .job(dependency)])
    }

    @Test func aPendingJobIsWaitedOnWithItsEvidence() throws {
        let plan = makePlan(desired(), waitingOn(job(for: training, state: .pending, attempts: 0)))
        #expect(plan.summary == [trainedVersion, trainedVariant])
        #expect(!plan.hasReadyChanges)
        let dependency = try #require(jobDependency(plan.action(trainedVersion)?.readiness))
        #expect(dependency.evidence.state == "pending")
        #expect(dependency.evidence.figures == [Figure(name: "attempts", value: 0)])
        #expect(EvidenceText.dependency(.job(dependency)).hasPrefix("job training planner-2025-01-10: pending (inputs \(training.inputsDigest.prefix(12)), attempts 0)"))
        let running = makePlan(desired(), waitingOn(job(for: training, state: .running, attempts: 2)))
        #expect(jobDependency(running.action(trainedVersion)?.readiness)?.evidence.state == "running")
    }

    @Test func onceTheJobSucceededThePolicyVersionIsWrittenWithItsModelVersion() throws {
        let plan = makePlan(desired(), passed(job(for: training, state: .succeeded, modelVersion: "5"), version: "5"))
        // Having passed the offline gate, the version becomes a candidate, tagged with the verdict.
        #expect(plan.summary == [
            trainedVersion, trainedVariant, "update model_version.planner_model/5",
            "update model_version_tags.planner_model/5", "create model_alias.planner_model@candidate",
        ])
        #expect(plan.action("update model_version.planner_model/5")?.changes == [
            FieldChange(field: "stage", before: nil, after: .string("candidate")),
        ])
        #expect(plan.action("update model_version_tags.planner_model/5")?.changes == [
            FieldChange(field: "expctl.offline_gate", before: nil, after: .string("pass")),
        ])
        #expect(plan.actions.allSatisfy { $0.readiness == .ready })
        let version = try #require(plan.action(trainedVersion))
        #expect(version.after("mlflow_model_version") == .string("5"))
        #expect(version.after("job_id") == .string("job-planner-2025-01-10"))
    }

    @Test func aFailedJobBlocksWhatNeedsItAndNothingElse() throws {
        var observed = waitingOn(job(for: training, state: .failed))
        observed.database.experiments["planner_policy_exp"]!.variants["control"]!.allocation = Allocation(buckets: 8_000)
        let plan = makePlan(desired(), observed)
        #expect(plan.isApplicable)
        #expect(plan.readyActions.map(\.id) == ["update experiment.planner_policy_exp/variant.control"])
        guard case .blocked(let reason)? = plan.action(trainedVersion)?.readiness,
            case .blocked(let inherited)? = plan.action(trainedVariant)?.readiness
        else {
            Issue.record("not blocked")
            return
        }
        #expect(reason.kind == .jobFailed)
        #expect(reason.message == "job training planner-2025-01-10 (job-planner-2025-01-10) failed: out of memory")
        #expect(reason.hint == "fix the training config in git: changed inputs make a new job")
        #expect(inherited.message == reason.message)
        #expect(inherited.via == trainedVersion)
    }

    @Test func withoutMLflowPolicyVersionsAreBlockedUnlessTheCheckIsSkipped() throws {
        var fromEmpty = ObservedState()
        fromEmpty.registry = .notConfigured
        let blocked = makePlan(desired(), fromEmpty)
        #expect(blocked.registry == .notConfigured)
        let versions = blocked.actions.filter { if case .policyVersion = $0.address { true } else { false } }
        #expect(versions.count == 2)
        for version in versions {
            guard case .blocked(let reason) = version.readiness else {
                Issue.record("\(version.id) is not blocked")
                continue
            }
            #expect(reason.kind == .registryNotChecked)
        }
        #expect(blocked.blockedActions.count == 4)
        #expect(blocked.readyActions.map(\.id) == [
            "create job.training/planner-2025-01-10", "create policy.planner_policy", "create experiment.planner_policy_exp",
        ])
        let skipped = makePlan(desired(), ObservedState(registry: .skipped))
        #expect(skipped.blockedActions.isEmpty)
        #expect(PlanText.render(skipped).hasPrefix("Note: model versions were not checked against MLflow (--skip-registry)"))
    }

    @Test func withMLflowTheTrainedVersionMustBeTheJobsOwn() throws {
        func registry(_ tags: [String: String]?) -> RegistryObservation {
            var versions = ["1": ModelVersionState(version: "1")]
            if let tags { versions["2"] = ModelVersionState(version: "2", tags: tags) }
            return .read(RegistryState(models: ["planner_model": RegisteredModelState(name: "planner_model", versions: versions)]))
        }
        let succeeded = job(for: training, state: .succeeded, modelVersion: "2")
        let own = makePlan(
            desired(), waitingOn(succeeded, registry: registry([RegistryTags.job: succeeded.id])).evaluated(for: desired()))
        #expect(own.action(trainedVersion)?.readiness == .ready)
        for (tags, message) in [
            (nil, "job training planner-2025-01-10 (job-planner-2025-01-10) registered planner_model version 2, which MLflow does not have"),
            ([RegistryTags.training: "planner-2025-01-10"], "planner_model version 2 is not tagged expctl.job: it is not the version job training planner-2025-01-10 (job-planner-2025-01-10) registered"),
        ] as [([String: String]?, String)] {
            let plan = makePlan(desired(), waitingOn(succeeded, registry: registry(tags)))
            guard case .blocked(let reason)? = plan.action(trainedVersion)?.readiness else {
                Issue.record("not blocked with \(String(describing: tags))")
                continue
            }
            #expect(reason.kind == .modelVersionMissing)
            #expect(reason.message == message)
        }
    }

    @Test func aChangedConfigBeforeItsPolicyVersionExistsIsANewJob() throws {
        let changed = desired(exampleTree.replacingOccurrences(of: "learning_rate: 1.0e-4", with: "learning_rate: 3.0e-4"))
        let plan = makePlan(changed, waitingOn(job(for: training, state: .pending)))
        #expect(plan.summary == [
            "create job.training/planner-2025-01-10", "retire job.training/planner-2025-01-10", trainedVersion, trainedVariant,
        ])
        let create = try #require(plan.action("create job.training/planner-2025-01-10"))
        #expect(create.reason == "the training config changed in git: a new job")
        #expect(create.after("inputs_digest") == .string(changed.trainings[0].inputsDigest))
        let cancel = try #require(plan.action("retire job.training/planner-2025-01-10"))
        #expect(cancel.changes == [
            FieldChange(field: "state", before: .string("pending"), after: .string("cancelled")),
            FieldChange(field: "superseded_by", before: nil, after: .string(changed.trainings[0].inputsDigest)),
        ])
        #expect(jobDependency(plan.action(trainedVersion)?.readiness)?.job.inputsDigest == changed.trainings[0].inputsDigest)
        // A succeeded job of the old config is history: it is not cancelled.
        let afterSuccess = makePlan(changed, waitingOn(job(for: training, state: .succeeded)))
        #expect(afterSuccess.summary.first == "create job.training/planner-2025-01-10")
        #expect(afterSuccess.action("retire job.training/planner-2025-01-10") == nil)
    }

    @Test func aChangedConfigAfterItsPolicyVersionExistsIsAProblem() throws {
        let changed = desired(exampleTree
            .replacingOccurrences(of: "learning_rate: 1.0e-4", with: "learning_rate: 3.0e-4")
            .replacingOccurrences(of: "epochs: 3", with: "epochs: 4"))
        let plan = makePlan(changed, converged(desired()))
        #expect(!plan.isApplicable)
        let problem = try #require(plan.problems.first)
        #expect(problem.address == .job(kind: .training, name: "planner-2025-01-10"))
        #expect(problem.message == "training planner-2025-01-10 is immutable: policy version planner_policy@2 was made from its job job-planner-2025-01-10 (inputs \(training.inputsDigest.prefix(12))), but git changes its epochs, learning_rate")
        #expect(problem.hint == "restore the training as it was, and give the retraining a new name and a new policy version (e.g. training planner-2025-01-10-2 feeding planner_policy@3)")
        #expect(problem.source?.line == 17)
        #expect(plan.actions.isEmpty)
    }

    @Test func aJobWhoseTrainingLeftGitIsCancelled() throws {
        var removed = desired()
        removed.trainings = []
        removed.policies[0].versions.removeLast()
        removed.experiments[0].variants.removeLast()
        let plan = makePlan(removed, waitingOn(job(for: training, state: .running)))
        let cancel = try #require(plan.action("retire job.training/planner-2025-01-10"))
        #expect(cancel.changes == [FieldChange(field: "state", before: .string("running"), after: .string("cancelled"))])
        #expect(cancel.reason == "removed from git (job job-planner-2025-01-10, inputs \(training.inputsDigest.prefix(12)))")
        // Only active jobs are cancelled; a cancelled job's inputs asked for again get a new job.
        #expect(makePlan(removed, waitingOn(job(for: training, state: .cancelled))).actions.isEmpty)
        #expect(makePlan(desired(), waitingOn(job(for: training, state: .cancelled))).summary.first == "create job.training/planner-2025-01-10")
    }

    @Test func anExistingVariantsMoveToAWaitingVersionWaitsWhileOtherChangesApply() throws {
        var observed = waitingOn(job(for: training, state: .pending))
        observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = ActualVariant(
            id: "v-l", name: "leftovers_v2", allocation: Allocation(buckets: 500), policyVersion: PolicyVersionRef(policy: "planner_policy", version: 1),
            position: 1)
        let plan = makePlan(desired(), observed)
        let move = try #require(plan.action("update experiment.planner_policy_exp/variant.leftovers_v2"))
        #expect(move.changes.map(\.field) == ["allocation", "policy_version"])
        #expect(jobDependency(move.readiness) != nil)
        // An allocation change alone needs nothing; once the job registered the version, the move is ready too.
        let allocationOnly = makePlan(desired(exampleTree.replacingOccurrences(
            of: "policy_version: planner_policy@2 }", with: "policy_version: planner_policy@1 }")), observed)
        #expect(allocationOnly.action("update experiment.planner_policy_exp/variant.leftovers_v2")?.readiness == .ready)
        let done = job(for: training, state: .succeeded)
        var trained = observed.with(job: done)
        trained.registry = mlflow(holding: "2", registeredBy: done)
        let succeeded = makePlan(desired(), trained.evaluated(for: desired()))
        #expect(succeeded.action("update experiment.planner_policy_exp/variant.leftovers_v2")?.readiness == .ready)
    }

    @Test func aRaiseThatWouldOverfillTheExperimentWaitsWithTheLoweringItNeeds() throws {
        var observed = waitingOn(job(for: training, state: .pending))
        observed.database.experiments["planner_policy_exp"]!.variants["control"]!.allocation = Allocation(buckets: 8_000)
        observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = ActualVariant(
            id: "v-l", name: "leftovers_v2", allocation: Allocation(buckets: 2_000),
            policyVersion: PolicyVersionRef(policy: "planner_policy", version: 1), position: 1)
        // control 0.8 -> 0.9 alone would leave 0.9 + 0.2 while leftovers_v2 waits to move to @2 at 0.1.
        let plan = makePlan(desired(), observed)
        let raise = try #require(plan.action("update experiment.planner_policy_exp/variant.control"))
        guard case .waiting(let dependencies) = raise.readiness else {
            Issue.record("the raise does not wait: \(raise.readiness)")
            return
        }
        #expect(dependencies.first == .action("update experiment.planner_policy_exp/variant.leftovers_v2"))
        #expect(dependencies.contains { if case .job = $0 { true } else { false } })
        // With room for it, the raise is ready.
        observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"]!.allocation = Allocation(buckets: 1_000)
        #expect(makePlan(desired(), observed).action("update experiment.planner_policy_exp/variant.control")?.readiness == .ready)
    }

    @Test func aVersionWrittenWithoutItsModelVersionIsFilledInOnceItsJobRegistered() throws {
        var observed = waitingOn(job(for: training, state: .pending))
        observed.database.policies["planner_policy"]!.versions[2] = ActualPolicyVersion(
            id: "pv", version: 2, mlflowModelName: "planner_model", mlflowModelVersion: nil, trainingName: "planner-2025-01-10")
        let waiting = makePlan(desired(), observed)
        let fill = try #require(waiting.action("update policy_version.planner_policy@2"))
        #expect(jobDependency(fill.readiness)?.evidence.state == "pending")
        // The new variant on it waits too: the version names no model yet.
        #expect(waiting.action(trainedVariant)?.after.contains("update policy_version.planner_policy@2") == true)
        #expect(waiting.action(trainedVariant)?.readiness.isReady == false)
        let done = job(for: training, state: .succeeded, modelVersion: "4")
        var trained = observed.with(job: done)
        trained.registry = mlflow(holding: "4", registeredBy: done)
        let ready = makePlan(desired(), trained.evaluated(for: desired()))
        #expect(ready.action("update policy_version.planner_policy@2")?.changes == [
            FieldChange(field: "mlflow_model_version", before: nil, after: .string("4")),
            FieldChange(field: "job_id", before: nil, after: .string("job-planner-2025-01-10")),
        ])
        #expect(ready.actions.allSatisfy { $0.readiness.isReady })
    }
}
