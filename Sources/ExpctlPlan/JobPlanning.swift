import ExpctlModel

/// Plans the jobs git asks for: each training is a job `job.training/NAME` identified by the
/// digest of its inputs. A training without a job for its current inputs gets one (pending,
/// for a runner to claim); a job whose inputs git no longer asks for is cancelled while it is
/// still pending or running; a training whose policy version exists is immutable.
///
/// Returns where each training's job stands, for the actions that depend on it.
enum JobPlanning {
    static func plan(_ desired: DesiredState, _ observed: ObservedState, into builder: inout PlanBuilder) -> TrainingJobs {
        var jobs = TrainingJobs()
        let ledger = observed.jobs
        let locked = lockedJobs(observed)
        for training in desired.trainings {
            let key = JobKey(kind: .training, name: training.name, inputsDigest: training.inputsDigest)
            let address = ResourceAddress.job(kind: .training, name: training.name)
            if let (version, job) = locked[training.name], job.key.inputsDigest != key.inputsDigest {
                builder.problem(immutable(training, key, lockedBy: version, job))
                continue
            }
            let superseded = ledger.activeJobs(.training, training.name).filter { $0.key.inputsDigest != key.inputsDigest }
            if !superseded.isEmpty {
                builder.add(cancellation(
                    of: superseded, address, reason: "superseded: the training config changed in git", keeping: key))
            }
            if let job = ledger.job(key) {
                jobs.statuses[training.name] = .recorded(job)
            } else {
                let reason = ledger.jobs.contains { $0.key.kind == .training && $0.key.name == training.name }
                    ? "the training config changed in git: a new job" : "not in the job ledger"
                let create = PlannedAction(
                    kind: .create, address: address,
                    changes: [
                        FieldChange(field: "inputs_digest", before: nil, after: .string(key.inputsDigest)),
                        FieldChange(field: "inputs", before: nil, after: .object(training.jobInputs)),
                        FieldChange(field: "state", before: nil, after: .string(JobState.pending.rawValue)),
                    ],
                    reason: reason, source: training.origin)
                builder.add(create)
                jobs.statuses[training.name] = .planned(key, action: create.id)
            }
        }
        let declared = Set(desired.trainings.map(\.name))
        let removed = ledger.jobs.filter { $0.key.kind == .training && !$0.state.isFinal && !declared.contains($0.key.name) }
        for (name, jobs) in Dictionary(grouping: removed, by: \.key.name).sorted(by: { $0.key < $1.key }) {
            builder.add(cancellation(of: jobs, .job(kind: .training, name: name), reason: "removed from git", keeping: nil))
        }
        return jobs
    }

    /// The job each existing trained policy version was made from, by training name: such a
    /// training may no longer change.
    private static func lockedJobs(_ observed: ObservedState) -> [String: (PolicyVersionRef, LedgerJob)] {
        var locked: [String: (PolicyVersionRef, LedgerJob)] = [:]
        for (name, policy) in observed.database.policies {
            for (number, version) in policy.versions {
                guard let training = version.trainingName, let jobID = version.jobID,
                    let job = observed.jobs.job(id: jobID)
                else { continue }
                locked[training] = (PolicyVersionRef(policy: name, version: number), job)
            }
        }
        return locked
    }

    private static func immutable(
        _ training: TrainingConfig, _ key: JobKey, lockedBy version: PolicyVersionRef, _ job: LedgerJob
    ) -> PlanProblem {
        let current = training.jobInputs
        let changed = Set(current.keys).union(job.inputs.keys).filter { current[$0] != job.inputs[$0] }.sorted()
        let what = changed.isEmpty ? "its inputs" : "its \(changed.joined(separator: ", "))"
        return PlanProblem(
            address: .job(kind: .training, name: training.name),
            message: "training \(training.name) is immutable: policy version \(version) was made from its job \(job.id) "
                + "(inputs \(job.key.shortDigest)), but git changes \(what)",
            hint: "restore the training as it was, and give the retraining a new name and a new policy version "
                + "(e.g. training \(training.name)-2 feeding \(version.policy)@\(version.version + 1))",
            source: training.origin)
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

/// Where the job of each training stands, and what that means for the actions that need the
/// model version it registers.
struct TrainingJobs {
    enum Status {
        /// This plan adds the job to the ledger.
        case planned(JobKey, action: String)
        case recorded(LedgerJob)
    }

    var statuses: [String: Status] = [:]

    /// What an action needing the model version of training `name` (a model of `model`) gets:
    /// its readiness, the actions it comes after, and, once registered, the version and job.
    func dependency(of name: String, model: String) -> TrainingDependency? {
        switch statuses[name] {
        case nil:
            return nil
        case .planned(let key, let action):
            let evidence = Evidence(
                state: "planned", waitsFor: Self.waitsFor(model),
                detail: "this plan adds the job to the ledger, for a runner to claim")
            return TrainingDependency(
                readiness: .waiting(on: [.job(JobDependency(job: key, evidence: evidence))]), after: [action])
        case .recorded(let job):
            switch job.state {
            case .pending, .running, .cancelled:
                let evidence = Evidence(
                    state: job.state.rawValue, waitsFor: Self.waitsFor(model),
                    figures: [Figure(name: "attempts", value: Double(job.attempts))], detail: "job \(job.id)")
                return TrainingDependency(readiness: .waiting(on: [.job(JobDependency(job: job.key, evidence: evidence))]))
            case .failed:
                let evidence = Evidence(state: "failed", waitsFor: Self.waitsFor(model), detail: job.error)
                return TrainingDependency(readiness: .blocked(reason: BlockReason(
                    kind: .jobFailed, message: "job \(job.key) (\(job.id)) failed: \(job.error ?? "no error recorded")",
                    hint: "fix the training config in git: changed inputs make a new job",
                    dependency: .job(JobDependency(job: job.key, evidence: evidence)))))
            case .succeeded:
                guard let version = job.registeredModelVersion else {
                    return TrainingDependency(readiness: .blocked(reason: BlockReason(
                        kind: .modelVersionMissing, message: "job \(job.key) (\(job.id)) succeeded but recorded no model version",
                        hint: "check the job's result in exp.jobs; the runner that finished it must record model_version")))
                }
                return TrainingDependency(readiness: .ready, version: version, job: job)
            }
        }
    }

    private static func waitsFor(_ model: String) -> String { "the job to succeed and register a version of \(model)" }
}

/// See `TrainingJobs.dependency(of:model:)`.
struct TrainingDependency {
    var readiness: Readiness
    var after: [String] = []
    /// The model version the job registered, once it has.
    var version: String?
    var job: LedgerJob?
}
