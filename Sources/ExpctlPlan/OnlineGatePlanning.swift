import ExpctlModel
import ExpctlStatistics

/// Judges the online gate of every live variant of a running experiment that serves a model
/// version not in production, against the experiment's baseline variant, from the units and
/// events the observation holds. Says what an action needing that variant's pass gets, and
/// what a promotion of the model version to production gets (the worst verdict of the variants
/// serving it).
enum OnlineGatePlanning {
    struct Results {
        /// By variant subject (`planner_policy_exp/leftovers_v2`).
        var variants: [String: GatePlanning.SubjectGate] = [:]
        /// By model version subject (`planner_model/3`), for the lifecycle.
        var models: [String: GatePlanning.SubjectGate] = [:]
        var reports: [GateReport] = []
    }

    static func judge(_ desired: DesiredState, _ observed: ObservedState, _ served: ServedModels) -> Results {
        var results = Results()
        var byModel: [String: [GateReport]] = [:]
        for experiment in desired.experiments {
            guard let actual = observed.database.experiments[experiment.name], actual.status == .running,
                actual.archivedAt == nil, let baseline = actual.variants[experiment.baseline]
            else { continue }
            let live = actual.variants.values.filter { $0.allocation.buckets > 0 && $0.retiredAt == nil }
                .sorted { ($0.position ?? .max, $0.name) < ($1.position ?? .max, $1.name) }
            let gates = desired.gates(profile: experiment.gateProfile).online
            let baselineModel = served.model(of: baseline.policyVersion)
            for variant in live where variant.name != baseline.name {
                guard let model = served.model(of: variant.policyVersion), served.isProduction(model) == false else {
                    continue
                }
                let subject = "\(experiment.name)/\(variant.name)"
                let comparison = OnlineComparison(
                    experiment: experiment.name, candidate: variant.name, baseline: baseline.name,
                    allocations: live.map { NamedAllocation(name: $0.name, allocation: $0.allocation) },
                    data: observed.gates.online[experiment.name]
                        ?? OnlineExperimentData(experiment: experiment.name, variants: [:]),
                    identity: GateIdentity(
                        model: model.model, version: model.version, baselineVersion: baselineModel?.version,
                        experiment: experiment.name),
                    previous: previousStates(
                        observed.gates.decisions[GateSubject(kind: .online, subject: subject)], model))
                let report = OnlineGate.judge(
                    comparison, gates: gates, profile: experiment.gateProfile ?? GateProfile.defaultName)
                results.reports.append(report)
                results.variants[subject] = GatePlanning.SubjectGate(
                    verdict: report.verdict, readiness: readiness(report))
                byModel[model.subject, default: []].append(report)
            }
        }
        // A model version served in several experiments is judged by its worst verdict: a
        // regression in one is not outweighed by a pass in another.
        for (subject, reports) in byModel {
            let worst = reports.min { rank($0.verdict) < rank($1.verdict) }!
            results.models[subject] = GatePlanning.SubjectGate(verdict: worst.verdict, readiness: readiness(worst))
        }
        return results
    }

    /// The always-valid states the variant's last decision left, if it judged the same model
    /// version: a variant moved to another version starts its tests afresh.
    private static func previousStates(_ decision: RecordedGateDecision?, _ model: ModelVersionRef)
        -> [String: AlwaysValidState]
    {
        guard let decision, decision.version == model.version else { return [:] }
        return OnlineGateState.decode(decision.state)
    }

    /// What an action needing the pass of `report`'s subject gets: ready on a pass, waiting on
    /// the gate while it gathers evidence (waiting, inconclusive), blocked on a failure or on
    /// evidence that cannot be trusted.
    static func readiness(_ report: GateReport) -> Readiness {
        func blocked(_ kind: BlockReason.Kind, hint: String) -> Readiness {
            .blocked(
                reason: BlockReason(
                    kind: kind, message: "online gate for \(report.subject): \(report.headline)", hint: hint,
                    dependency: .gate(report.dependency)))
        }
        switch report.verdict {
        case .pass:
            return .ready
        case .waiting, .inconclusive:
            return .waiting(on: [.gate(report.dependency)])
        case .fail:
            return blocked(
                .gateFailed,
                hint: "the variant is worse than the baseline: lower its allocation or fix the model; "
                    + "a failure stays until the evidence changes")
        case .blocked:
            return blocked(
                .gateBlocked,
                hint: "find where units are lost (assignment, event logging, bots filtered on one side) "
                    + "and fix it; the gate judges again once the ratio matches the allocations")
        }
    }

    /// The worst first: evidence that cannot be trusted, a failure, then what may still pass.
    private static func rank(_ verdict: GateVerdict) -> Int {
        switch verdict {
        case .blocked: 0
        case .fail: 1
        case .waiting: 2
        case .inconclusive: 3
        case .pass: 4
        }
    }
}
