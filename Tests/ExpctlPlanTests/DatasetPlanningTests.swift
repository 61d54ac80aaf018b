import ExpctlModel
import ExpctlPlan
import PlanningTestSupport
import Testing

private let datasetTree =
    exampleTree + """

        datasets:
          - { name: planner/2025-01-10, task: planner, since: 2025-01-01T00:00:00Z, until: 2025-01-10T00:00:00Z }
        """

private var declared: DesiredState { desired(datasetTree) }
private var dataset: DatasetConfig { declared.datasets[0] }
private let createDataset = "create job.dataset/planner/2025-01-10"
private let createTraining = "create job.training/planner-2025-01-10"

/// The example database without the trained version and its variant, the ledger holding `jobs`.
private func observed(_ jobs: [LedgerJob], store: DatasetStoreObservation = .notChecked) -> ObservedState {
    var observed = converged(declared)
    observed.database.policies["planner_policy"]!.versions[2] = nil
    observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
    observed.jobs = JobLedgerState(jobs: jobs)
    observed.datasetStore = store
    return observed
}

private func datasetJob(_ state: JobState, inputs: DatasetConfig = dataset, id: String = "job-dataset") -> LedgerJob {
    LedgerJob(
        id: id, key: JobKey(kind: .dataset, name: inputs.name, inputsDigest: inputs.inputsDigest), state: state,
        attempts: state == .pending ? 0 : 1, inputs: inputs.jobInputs,
        result: state == .succeeded
            ? [DatasetResultKeys.contentDigest: .string(String(repeating: "a", count: 64))] : nil,
        error: state == .failed ? "relation app.households does not exist" : nil,
        provenance: Provenance(commit: "c0", path: "datasets.yaml"))
}

private func waitsOnJob(_ readiness: Readiness?) -> JobKey? {
    guard case .waiting(let dependencies)? = readiness else { return nil }
    for case .job(let job) in dependencies { return job.job }
    return nil
}

@Suite("Planning dataset jobs, and trainings that wait on them")
struct DatasetPlanningTests {
    @Test func aDeclaredDatasetIsAJobAndTheTrainingWaitsForItInThePlan() throws {
        let plan = makePlan(declared, observed([]))
        #expect(plan.problems.isEmpty)
        #expect(Array(plan.summary.prefix(2)) == [createDataset, createTraining])
        let build = try #require(plan.action(createDataset))
        #expect(build.readiness == .ready)
        #expect(build.after("inputs_digest") == .string(dataset.inputsDigest))
        let training = try #require(plan.action(createTraining))
        #expect(
            waitsOnJob(training.readiness)
                == JobKey(kind: .dataset, name: dataset.name, inputsDigest: dataset.inputsDigest))
        #expect(training.after == [createDataset])
        // The policy version waits all the way down the chain.
        #expect(plan.action("create policy_version.planner_policy@2")?.readiness.isReady == false)
    }

    @Test func theTrainingIsCreatedOnceItsDatasetIsBuiltAndBlockedWhenTheBuildFailed() throws {
        let pending = makePlan(declared, observed([datasetJob(.running)]))
        #expect(pending.action(createDataset) == nil)
        #expect(waitsOnJob(pending.action(createTraining)?.readiness)?.kind == .dataset)
        let built = makePlan(declared, observed([datasetJob(.succeeded)]))
        #expect(built.action(createTraining)?.readiness == .ready)
        let failed = makePlan(declared, observed([datasetJob(.failed)]))
        guard case .blocked(let reason)? = failed.action(createTraining)?.readiness else {
            Issue.record("expected the training blocked on the failed build")
            return
        }
        #expect(reason.kind == .jobFailed)
        #expect(reason.message.contains("relation app.households does not exist"))
    }

    @Test func aBuiltDatasetIsImmutableButAPendingOneIsSuperseded() throws {
        var changed = dataset
        changed.seed = 1
        let built = makePlan(declared, observed([datasetJob(.succeeded, inputs: changed)]))
        let problem = try #require(built.problems.first)
        #expect(problem.message.contains("dataset planner/2025-01-10 is immutable: it was built by job job-dataset"))
        #expect(problem.message.contains("git changes its seed"))
        #expect(problem.hint.contains("declare the new rows as a new dataset version"))
        let pending = makePlan(declared, observed([datasetJob(.pending, inputs: changed)]))
        #expect(pending.problems.isEmpty)
        #expect(pending.summary.contains("retire job.dataset/planner/2025-01-10"))
        #expect(pending.action(createDataset)?.reason == "the dataset declaration changed in git: a new job")
    }

    @Test func aDatasetRemovedFromGitHasItsPendingJobCancelled() {
        let plan = makePlan(desired(), observed([datasetJob(.pending)], store: .read(present: ["planner/2025-01-10"])))
        #expect(plan.summary.contains("retire job.dataset/planner/2025-01-10"))
        #expect(plan.action("retire job.dataset/planner/2025-01-10")?.reason.hasPrefix("removed from git") == true)
    }

    @Test func anUndeclaredDatasetMustBeInTheStore() throws {
        let missing = makePlan(desired(), observed([], store: .read(present: [])))
        let problem = try #require(missing.problems.first)
        #expect(
            problem.message == "dataset planner/2025-01-10 of training planner-2025-01-10 is not declared under "
                + "`datasets:` and is not in the dataset store")
        #expect(problem.source?.description == desired().trainings[0].origin.description)
        let present = makePlan(desired(), observed([], store: .read(present: ["planner/2025-01-10"])))
        #expect(present.problems.isEmpty)
        #expect(present.action(createTraining)?.readiness == .ready)
    }
}
