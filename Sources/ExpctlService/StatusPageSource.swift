import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres
public import ExpctlServing
import ExpctlStatusPage
import ExpctlStore
import Foundation

/// Puts the status page together for a request: the service's state and last plan, the
/// APIs' snapshot of the applied state, and the history from PostgreSQL, read on a worker
/// thread of its own (one connection, never on the event loop or the cooperative pool).
public final class StatusPageSource: Sendable {
    private let state: ServiceState
    private let snapshots: SnapshotHolder?
    private let source: String
    private let mlflowUIBase: String?
    private let history: ConnectionWorkers<Int, StatusHistory>

    /// - Parameters:
    ///   - source: what the loop reconciles, e.g. `https://github.com/team/experiments.git main configs`.
    public init(
        state: ServiceState, snapshots: SnapshotHolder?, database: ConnectionSettings, source: String, mlflowUIBase: String?
    ) {
        self.state = state
        self.snapshots = snapshots
        self.source = source
        self.mlflowUIBase = mlflowUIBase.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        history = ConnectionWorkers(
            settings: database, threads: 1, maxBatch: 1, maxPending: 16, name: "status"
        ) { days, connection in
            try days.map { .success(try StatusHistory.read(connection, days: $0)) }
        }
    }

    public func shutdown() { history.shutdown() }

    /// The page's HTML. The history is left out, with nothing else, when PostgreSQL cannot be read.
    public func render() async -> String {
        let history = (try? await self.history.submit(30)) ?? StatusHistory()
        return StatusPage.render(model(history: history))
    }

    func model(history: StatusHistory) -> StatusModel {
        let plan = state.lastPlan
        var model = StatusModel(
            generated: Date(), source: source, passRunningSince: state.passRunningSince, lastApplied: state.lastApplied)
        model.leader = state.leaderDescription
        model.passes = state.passes.map {
            StatusModel.Pass(started: $0.started, seconds: $0.seconds, outcome: $0.outcome, commit: $0.commit, summary: $0.summary)
        }
        if let plan {
            model.pending = plan.plan.actions.compactMap(Self.pending)
            model.gates = plan.plan.gates.map {
                StatusModel.Gate(kind: $0.kind.rawValue, subject: $0.subject, verdict: $0.verdict.rawValue, headline: $0.headline)
            }
            model.jobs = plan.observed.jobs.jobs.map { job in
                StatusModel.Job(
                    kind: job.key.kind.rawValue, name: job.key.name, state: job.state.rawValue, attempts: job.attempts,
                    detail: job.error ?? job.registeredModelVersion.map { "model version \($0)" } ?? "")
            }
            model.models = models(plan.observed)
        }
        model.experiments = experiments(history: history, served: plan.map { Self.servedModels($0.observed) } ?? [:])
        return model
    }

    private static func pending(_ action: PlannedAction) -> StatusModel.PendingAction? {
        switch action.readiness {
        case .ready: nil
        case .waiting(let dependencies):
            StatusModel.PendingAction(id: action.id, state: "waiting", evidence: EvidenceText.waiting(dependencies))
        case .blocked(let reason):
            StatusModel.PendingAction(id: action.id, state: "blocked", evidence: [EvidenceText.blocked(reason)])
        }
    }

    private func experiments(history: StatusHistory, served: [String: String]) -> [StatusModel.Experiment] {
        guard let snapshot = snapshots?.snapshot else { return [] }
        return snapshot.experiments.values.sorted { $0.name < $1.name }.map { experiment in
            StatusModel.Experiment(
                name: experiment.name, status: experiment.status,
                variants: experiment.variants.map { variant in
                    let metrics = history.metrics[experiment.name]?[variant.name] ?? [:]
                    let looks = history.looks[experiment.name]?[variant.name] ?? [:]
                    return StatusModel.Variant(
                        name: variant.name, allocation: Double(variant.allocation.buckets) / Double(Allocation.bucketCount), retired: variant.retired,
                        model: served["\(experiment.name)/\(variant.name)"],
                        metrics: metrics.mapValues { $0.map { StatusModel.Point(time: $0.day, value: $0.value) } },
                        intervals: looks.mapValues {
                            $0.map { .init(time: $0.time, estimate: $0.estimate, lower: $0.lower, upper: $0.upper) }
                        })
                })
        }
    }

    /// `experiment/variant` → `model/version`, from the database rows the plan was made from.
    private static func servedModels(_ observed: ObservedState) -> [String: String] {
        var served: [String: String] = [:]
        for experiment in observed.database.experiments.values {
            for variant in experiment.variants.values {
                guard let reference = variant.policyVersion,
                    let version = observed.database.policies[reference.policy]?.versions[reference.version],
                    let modelVersion = version.mlflowModelVersion
                else { continue }
                served["\(experiment.name)/\(variant.name)"] = "\(version.mlflowModelName)/\(modelVersion)"
            }
        }
        return served
    }

    private func models(_ observed: ObservedState) -> [StatusModel.ModelVersion] {
        guard let registry = observed.registry.state else { return [] }
        var runs: [String: String] = [:]
        for job in observed.jobs.jobs where job.key.kind == .training {
            guard let version = job.registeredModelVersion, case .string(let model)? = job.result?[TrainingResultKeys.modelName],
                case .string(let run)? = job.result?[TrainingResultKeys.runID]
            else { continue }
            runs["\(model)/\(version)"] = run
        }
        return registry.models.values.sorted { $0.name < $1.name }.flatMap { model in
            model.versions.values.sorted { (Int($0.version) ?? 0) < (Int($1.version) ?? 0) }.map { version in
                let key = "\(model.name)/\(version.version)"
                let encoded = model.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? model.name
                return StatusModel.ModelVersion(
                    model: model.name, version: version.version, stage: version.stage?.rawValue ?? "none",
                    link: mlflowUIBase.map { "\($0)/#/models/\(encoded)/versions/\(version.version)" },
                    runLink: runs[key].flatMap { run in mlflowUIBase.map { "\($0)/#/runs/\(run)" } })
            }
        }
    }
}
