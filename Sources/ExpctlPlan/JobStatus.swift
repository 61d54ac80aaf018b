import ExpctlModel

/// Where a job git asks for stands: added by this plan, or already in the ledger.
enum JobStatus {
    /// This plan adds the job to the ledger, with the create action `action`.
    case planned(JobKey, action: String)
    case recorded(LedgerJob)

    /// The readiness of an action that needs this job to have succeeded, and the actions of
    /// this plan it comes after. `waitsFor` says what the job must produce.
    func need(waitsFor: String, hint: String) -> (readiness: Readiness, after: [String], job: LedgerJob?) {
        switch self {
        case .planned(let key, let action):
            let evidence = Evidence(
                state: "planned", waitsFor: waitsFor,
                detail: "this plan adds the job to the ledger, for a runner to claim")
            return (.waiting(on: [.job(JobDependency(job: key, evidence: evidence))]), [action], nil)
        case .recorded(let job):
            switch job.state {
            case .pending, .running, .cancelled:
                let evidence = Evidence(
                    state: job.state.rawValue, waitsFor: waitsFor,
                    figures: [Figure(name: "attempts", value: Double(job.attempts))], detail: "job \(job.id)")
                return (.waiting(on: [.job(JobDependency(job: job.key, evidence: evidence))]), [], job)
            case .failed:
                let evidence = Evidence(state: "failed", waitsFor: waitsFor, detail: job.error)
                let reason = BlockReason(
                    kind: .jobFailed, message: "job \(job.key) (\(job.id)) failed: \(job.error ?? "no error recorded")",
                    hint: hint, dependency: .job(JobDependency(job: job.key, evidence: evidence)))
                return (.blocked(reason: reason), [], job)
            case .succeeded:
                return (.ready, [], job)
            }
        }
    }
}

/// Where the job of each training stands, and what that means for the actions that need the
/// model version it registers.
struct TrainingJobs {
    var statuses: [String: JobStatus] = [:]

    /// What an action needing the model version of training `name` (a model of `model`) gets:
    /// its readiness, the actions it comes after, and, once registered, the version and job.
    func dependency(of name: String, model: String) -> TrainingDependency? {
        guard let status = statuses[name] else { return nil }
        let need = status.need(
            waitsFor: "the job to succeed and register a version of \(model)",
            hint: "fix the training config in git: changed inputs make a new job")
        guard case .ready = need.readiness, let job = need.job else {
            return TrainingDependency(readiness: need.readiness, after: need.after)
        }
        guard let version = job.registeredModelVersion else {
            return TrainingDependency(
                readiness: .blocked(
                    reason: BlockReason(
                        kind: .modelVersionMissing,
                        message: "job \(job.key) (\(job.id)) succeeded but recorded no model version",
                        hint:
                            "check the job's result in exp.jobs; the runner that finished it must record model_version")
                ))
        }
        return TrainingDependency(readiness: .ready, version: version, job: job)
    }
}

/// See `TrainingJobs.dependency(of:model:)`.
struct TrainingDependency {
    var readiness: Readiness
    var after: [String] = []
    /// The model version the job registered, once it has.
    var version: String?
    var job: LedgerJob?
}

/// The dataset jobs of the plan and the dataset store as observed: what a training's job
/// waits on before a runner may claim it.
struct DatasetJobs {
    var statuses: [String: JobStatus]
    var store: DatasetStoreObservation

    /// The readiness of the job of `training` (it reads its dataset and its evaluation's), or
    /// nil after recording a problem: a dataset neither declared nor in the store.
    func needs(of training: TrainingConfig, into builder: inout PlanBuilder) -> (readiness: Readiness, after: [String])?
    {
        var readiness: [Readiness] = []
        var after: [String] = []
        var missing = false
        let folders = [training.datasetVersion, training.evaluation.datasetVersion]
        for (index, folder) in folders.enumerated() where !folders[..<index].contains(folder) {
            if let status = statuses[folder] {
                let need = status.need(
                    waitsFor: "dataset \(folder) to be built",
                    hint: "fix the dataset declaration in git: changed inputs make a new job")
                readiness.append(need.readiness)
                after += need.after
            } else if case .read(let present) = store, !present.contains(folder) {
                builder.problem(
                    PlanProblem(
                        address: .job(kind: .training, name: training.name),
                        message: "dataset \(folder) of training \(training.name) is not declared under `datasets:` "
                            + "and is not in the dataset store",
                        hint: "declare it under `datasets:` for expctl to build, or build it with "
                            + "`expctl dataset build`; check --dataset-root",
                        source: training.origin))
                missing = true
            }
        }
        guard !missing else { return nil }
        return (Readiness.combined(readiness), after)
    }
}

/// What the plan knows of the dataset store's folders.
public enum DatasetStoreObservation: Sendable, Hashable {
    /// Not looked at (a pure plan, or a command that does not read the store).
    case notChecked
    /// The folders, among those git's trainings name, that hold a built dataset.
    case read(present: Set<String>)
}
