import ExpctlModel

/// Plans the jobs git asks for: each dataset is a job `job.dataset/NAME` and each training a job
/// `job.training/NAME`, identified by the digest of its inputs. A request without a job for its
/// current inputs gets one (pending, for a runner to claim); a job whose inputs git no longer
/// asks for is cancelled while it is still pending or running; a built dataset, and a training
/// whose policy version exists, are immutable.
///
/// A training's job waits on the dataset jobs it reads from (see `DatasetJobs`). Returns where
/// each training's job stands, for the actions that depend on it.
enum JobPlanning {
    static func plan(_ desired: DesiredState, _ observed: ObservedState, into builder: inout PlanBuilder) -> TrainingJobs {
        let datasetRequests = desired.datasets.map {
            JobRequest(kind: .dataset, name: $0.name, inputs: $0.jobInputs, digest: $0.inputsDigest, origin: $0.origin)
        }
        let datasets = DatasetJobs(
            statuses: plan(.dataset, datasetRequests, observed, locked: builtDatasets(observed), into: &builder),
            store: observed.datasetStore)
        var trainingRequests: [JobRequest] = []
        for training in desired.trainings {
            guard let needs = datasets.needs(of: training, into: &builder) else { continue }
            trainingRequests.append(JobRequest(
                kind: .training, name: training.name, inputs: training.jobInputs, digest: training.inputsDigest,
                origin: training.origin, readiness: needs.readiness, after: needs.after))
        }
        let statuses = plan(.training, trainingRequests, observed, locked: lockedTrainings(observed), into: &builder)
        return TrainingJobs(statuses: statuses)
    }

    /// The evaluation jobs of the trained versions (see `EvaluationPlanning`), and where each
    /// stands, for the offline gate.
    static func planEvaluations(
        _ desired: DesiredState, _ observed: ObservedState, _ trainings: TrainingJobs, into builder: inout PlanBuilder
    ) -> EvaluationJobs {
        let requests = EvaluationPlanning.requests(desired, trainings, observed)
        let statuses = plan(
            .evaluation, requests, observed, locked: [:], into: &builder, declared: Set(desired.trainings.map(\.name)))
        return EvaluationJobs(
            requests: Dictionary(requests.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            statuses: statuses)
    }

    /// One job git asks for, with what its create action waits on.
    struct JobRequest {
        var kind: JobKind
        var name: String
        var inputs: [String: JSONValue]
        var digest: String
        var origin: SourceLocation
        var readiness: Readiness = .ready
        var after: [String] = []

        var key: JobKey { JobKey(kind: kind, name: name, inputsDigest: digest) }
    }

    /// Why a job's inputs may no longer change: what was made from it, and how to change anyway.
    struct Lock {
        var job: LedgerJob
        var made: String
        var hint: String
    }

    /// Plans the jobs of `requests` (all of `kind`) and cancels the jobs of `kind` that git no
    /// longer asks for. Returns where each requested job stands, by name.
    /// `declared`: the names git still declares, when not just those requested (an evaluation is
    /// not asked for while its baseline is unknown, but its training is still there).
    private static func plan(
        _ kind: JobKind, _ requests: [JobRequest], _ observed: ObservedState, locked: [String: Lock],
        into builder: inout PlanBuilder, declared: Set<String>? = nil
    ) -> [String: JobStatus] {
        var statuses: [String: JobStatus] = [:]
        let ledger = observed.jobs
        for request in requests {
            let key = request.key
            let address = ResourceAddress.job(kind: kind, name: request.name)
            if let lock = locked[request.name], lock.job.key.inputsDigest != key.inputsDigest {
                builder.problem(immutable(request, lock))
                continue
            }
            let superseded = ledger.activeJobs(kind, request.name).filter { $0.key.inputsDigest != key.inputsDigest }
            if !superseded.isEmpty {
                builder.add(cancellation(
                    of: superseded, address, reason: "superseded: the \(kind.configPhrase) changed in git", keeping: key))
            }
            if let job = ledger.job(key) {
                statuses[request.name] = .recorded(job)
                continue
            }
            let reason = ledger.jobs.contains { $0.key.kind == kind && $0.key.name == request.name }
                ? kind.changedPhrase : "not in the job ledger"
            let create = PlannedAction(
                kind: .create, address: address,
                changes: [
                    FieldChange(field: "inputs_digest", before: nil, after: .string(key.inputsDigest)),
                    FieldChange(field: "inputs", before: nil, after: .object(request.inputs)),
                    FieldChange(field: "state", before: nil, after: .string(JobState.pending.rawValue)),
                ],
                reason: reason, source: request.origin, after: request.after, readiness: request.readiness)
            builder.add(create)
            statuses[request.name] = .planned(key, action: create.id)
        }
        let requested = declared ?? Set(requests.map(\.name))
        let removed = ledger.jobs.filter { $0.key.kind == kind && !$0.state.isFinal && !requested.contains($0.key.name) }
        for (name, jobs) in Dictionary(grouping: removed, by: \.key.name).sorted(by: { $0.key < $1.key }) {
            builder.add(cancellation(of: jobs, .job(kind: kind, name: name), reason: "removed from git", keeping: nil))
        }
        return statuses
    }

    /// The job each existing trained policy version was made from, by training name: such a
    /// training may no longer change.
    private static func lockedTrainings(_ observed: ObservedState) -> [String: Lock] {
        var locked: [String: Lock] = [:]
        for (name, policy) in observed.database.policies {
            for (number, version) in policy.versions {
                guard let training = version.trainingName, let jobID = version.jobID,
                    let job = observed.jobs.job(id: jobID)
                else { continue }
                let reference = PolicyVersionRef(policy: name, version: number)
                locked[training] = Lock(
                    job: job, made: "policy version \(reference) was made from its job \(job.id)",
                    hint: "restore the training as it was, and give the retraining a new name and a new policy version "
                        + "(e.g. training \(training)-2 feeding \(name)@\(number + 1))")
            }
        }
        return locked
    }

    /// The succeeded dataset jobs, by dataset name: a built dataset version never changes.
    private static func builtDatasets(_ observed: ObservedState) -> [String: Lock] {
        var locked: [String: Lock] = [:]
        for job in observed.jobs.jobs where job.key.kind == .dataset && job.state == .succeeded {
            locked[job.key.name] = Lock(
                job: job, made: "it was built by job \(job.id)",
                hint: "restore the dataset as it was, and declare the new rows as a new dataset version "
                    + "(e.g. \(job.key.name)-2), then point the training at it")
        }
        return locked
    }

    private static func immutable(_ request: JobRequest, _ lock: Lock) -> PlanProblem {
        let current = request.inputs
        let changed = Set(current.keys).union(lock.job.inputs.keys).filter { current[$0] != lock.job.inputs[$0] }.sorted()
        let what = changed.isEmpty ? "its inputs" : "its \(changed.joined(separator: ", "))"
        return PlanProblem(
            address: .job(kind: request.kind, name: request.name),
            message: "\(request.kind.rawValue) \(request.name) is immutable: \(lock.made) "
                + "(inputs \(lock.job.key.shortDigest)), but git changes \(what)",
            hint: lock.hint, source: request.origin)
    }

    /// Cancels every pending or running job of `address`'s name (`jobs`, in ledger order)
    /// but the one of `keeping`; the reason names each.
    private static func cancellation(
        of jobs: [LedgerJob], _ address: ResourceAddress, reason: String, keeping: JobKey?
    ) -> PlannedAction {
        let first = jobs[0]
        var changes = [
            FieldChange(field: "state", before: .string(first.state.rawValue), after: .string(JobState.cancelled.rawValue)),
        ]
        if let keeping { changes.append(FieldChange(field: "superseded_by", before: nil, after: .string(keeping.inputsDigest))) }
        let named = jobs.map { "job \($0.id), inputs \($0.key.shortDigest)" }.joined(separator: "; ")
        return PlannedAction(kind: .retire, address: address, changes: changes, reason: "\(reason) (\(named))")
    }
}

/// The evaluation job each training's registered version is replayed by, by training name:
/// none for a training whose baseline is not known yet.
struct EvaluationJobs {
    var requests: [String: JobPlanning.JobRequest] = [:]
    var statuses: [String: JobStatus] = [:]
}

extension JobKind {
    /// Why a job of a name the ledger knows is new: `the training config changed in git: a new job`.
    var changedPhrase: String {
        switch self {
        case .dataset, .training: "the \(configPhrase) changed in git: a new job"
        case .evaluation: "its model version, baseline, dataset or scorer changed: a new evaluation"
        }
    }

    /// What git declares for a job of this kind, for reasons: `training config`, `dataset`.
    var configPhrase: String {
        switch self {
        case .dataset: "dataset declaration"
        case .training: "training config"
        case .evaluation: "evaluation (model version, baseline, dataset or scorer)"
        }
    }
}
