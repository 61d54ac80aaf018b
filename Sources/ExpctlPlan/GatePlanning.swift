import ExpctlModel

/// Judges the offline gate of each trained model version (none → candidate) and says what an
/// action needing that version to have passed gets: ready on a pass, waiting while its
/// evaluation job has not run (or its baseline is not known yet), blocked on a failure with the
/// gate's report as evidence. The reports go into the plan, for people and for the records.
enum GatePlanning {
    /// What the offline gates mean for the actions of a plan.
    struct OfflineResults {
        /// By training name: the readiness of an action needing its model version's pass.
        var readiness: [String: Readiness] = [:]
        /// By model and version (`planner_model/2`): the verdict (nil while there is none) and
        /// the readiness of a move that needs the pass, for the lifecycle.
        var subjects: [String: SubjectGate] = [:]
        var reports: [GateReport] = []

        fileprivate mutating func set(
            _ training: String, _ subject: String, _ verdict: GateVerdict?, _ ready: Readiness
        ) {
            readiness[training] = ready
            subjects[subject] = SubjectGate(verdict: verdict, readiness: ready)
        }
    }

    /// A gate's verdict on one subject and what an action that needs its pass gets.
    struct SubjectGate {
        var verdict: GateVerdict?
        var readiness: Readiness
    }

    static func offline(
        _ desired: DesiredState, _ observed: ObservedState, _ trainings: TrainingJobs, _ evaluations: EvaluationJobs
    ) -> OfflineResults {
        var results = OfflineResults()
        for training in desired.trainings {
            guard let trained = trainings.dependency(of: training.name, model: training.modelName),
                let version = trained.version
            else { continue }
            let subject = ModelVersionRef(model: training.modelName, version: version).subject
            guard let request = evaluations.requests[training.name], let status = evaluations.statuses[training.name]
            else {
                results.set(training.name, subject, nil, .waiting(on: [.gate(unknownBaseline(subject, observed))]))
                continue
            }
            let need = status.need(
                waitsFor: "the offline replay of \(subject) to finish",
                hint: "the evaluation runs again when its inputs change (a new production version, dataset or scorer); "
                    + "or change the training config in git to train again")
            switch need.readiness {
            case .blocked:
                results.set(training.name, subject, nil, need.readiness)
                continue
            case .waiting(let dependencies):
                let evidence = Evidence(
                    state: GateVerdict.waiting.rawValue, waitsFor: "the offline gate to pass",
                    detail: "waiting: the offline replay has not run yet")
                results.set(
                    training.name, subject, .waiting,
                    .waiting(
                        on: dependencies + [.gate(GateDependency(kind: .offline, subject: subject, evidence: evidence))]
                    ))
                continue
            case .ready:
                break
            }
            guard case .recorded(let job) = status,
                let evaluation = recordedEvaluation(training, version: version, request, observed)
            else {
                results.set(training.name, subject, .blocked, .blocked(reason: missingEvaluation(subject, status)))
                continue
            }
            let report = OfflineGate.judge(
                evaluation, gates: desired.gates(for: training).offline,
                profile: training.gateProfile ?? GateProfile.defaultName)
            results.reports.append(report)
            results.set(
                training.name, subject, report.verdict,
                report.verdict == .pass ? .ready : .blocked(reason: failed(report, job)))
        }
        return results
    }

    /// The reports a plan shows, by gate and subject: those an action of the plan waits on or
    /// is blocked by, and those apply would record (a new verdict or new evidence). A gate that
    /// passed and was recorded is not repeated on every plan.
    /// Also returns how many of them apply would record.
    static func shown(
        _ reports: [GateReport], _ actions: [PlannedAction], _ decisions: [GateSubject: RecordedGateDecision]
    ) -> (reports: [GateReport], newDecisions: Int) {
        var referenced: Set<GateSubject> = []
        for action in actions {
            switch action.readiness {
            case .ready: break
            case .waiting(let dependencies):
                for case .gate(let gate) in dependencies {
                    referenced.insert(GateSubject(kind: gate.kind, subject: gate.subject))
                }
            case .blocked(let reason):
                if case .gate(let gate)? = reason.dependency {
                    referenced.insert(GateSubject(kind: gate.kind, subject: gate.subject))
                }
            }
        }
        var fresh = 0
        let shown = reports.filter { report in
            let key = GateSubject(kind: report.kind, subject: report.subject)
            guard report.needsRecord(after: decisions[key]) else { return referenced.contains(key) }
            fresh += 1
            return true
        }.sorted { GateSubject(kind: $0.kind, subject: $0.subject) < GateSubject(kind: $1.kind, subject: $1.subject) }
        return (shown, fresh)
    }

    /// The replay the evaluation job of `request` recorded, matched on what identifies it.
    private static func recordedEvaluation(
        _ training: TrainingConfig, version: String, _ request: JobPlanning.JobRequest, _ observed: ObservedState
    ) -> OfflineEvaluation? {
        var baseline: String?
        if case .string(let number)? = request.inputs["baseline_version"] { baseline = number }
        // The request's own dataset: a kept evaluation may be of a dataset git no longer names.
        var dataset = training.evaluation.datasetVersion
        if case .string(let name)? = request.inputs["dataset_version"] { dataset = name }
        return observed.gates.evaluation(
            model: training.modelName, version: version, baseline: baseline, dataset: dataset)
    }

    /// The gate of a version whose evaluation cannot be asked for yet: its baseline is the
    /// production version, which the registry was not read for or this plan moves.
    private static func unknownBaseline(_ subject: String, _ observed: ObservedState) -> GateDependency {
        let why =
            observed.registry.state == nil
            ? "the registry was not read, so the production version it is compared with is not known"
            : "this plan moves the production version it is compared with: the next plan evaluates against it"
        let evidence = Evidence(
            state: GateVerdict.waiting.rawValue, waitsFor: "the offline gate to pass", detail: "waiting: \(why)")
        return GateDependency(kind: .offline, subject: subject, evidence: evidence)
    }

    private static func missingEvaluation(_ subject: String, _ status: JobStatus) -> BlockReason {
        var job = ""
        if case .recorded(let recorded) = status { job = " (job \(recorded.id))" }
        let evidence = Evidence(
            state: GateVerdict.blocked.rawValue, waitsFor: "the offline gate to pass",
            detail: "the evaluation job\(job) succeeded, but exp.offline_replay_results holds no replay of it")
        return BlockReason(
            kind: .gateBlocked,
            message: "the offline gate for \(subject) has no evidence: its evaluation job\(job) succeeded, "
                + "but exp.offline_replay_results holds no replay of it",
            hint: "check exp.offline_replay_results (rows may have been deleted); change the training config in git "
                + "to train and evaluate again",
            dependency: .gate(GateDependency(kind: .offline, subject: subject, evidence: evidence)))
    }

    private static func failed(_ report: GateReport, _ evaluation: LedgerJob) -> BlockReason {
        BlockReason(
            kind: .gateFailed,
            message: "offline gate for \(report.subject) (evaluation job \(evaluation.id)): "
                + report.headline,
            hint: "improve the model and train again under a new training name; or, if the thresholds are wrong, "
                + "change gate profile '\(report.profile)' in git",
            dependency: .gate(report.dependency))
    }
}
