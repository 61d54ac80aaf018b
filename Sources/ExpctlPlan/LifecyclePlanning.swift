import ExpctlModel

/// The gates' verdicts a stage move reads, by model version (`planner_model/3`).
struct LifecycleGates {
    var offline: [String: GatePlanning.SubjectGate] = [:]
    var online: [String: GatePlanning.SubjectGate] = [:]
}

/// Turns `ModelLifecycle`'s answer for a stage move git asks for into the readiness of the
/// registry action and, when the move happens, the lifecycle record apply writes.
enum LifecyclePlanning {
    /// Whether `model` version `number` may move to `target` now. A move that lacks a gate's
    /// pass waits on that gate or is blocked by its failure; one whose gate nothing can judge
    /// (a version no training registered, or that no running experiment serves) is blocked as a
    /// skipped stage.
    static func move(
        _ model: String, _ number: String, _ version: ModelVersionState, to target: ModelStage, firstProduction: Bool,
        _ gates: LifecycleGates
    ) -> (readiness: Readiness, record: GateReport?) {
        let subject = ModelVersionRef(model: model, version: number).subject
        let lifecycle = ModelLifecycle(
            stage: ModelLifecycle.Stage(version.stage), wasProduction: wasProduction(version))
        let to = ModelLifecycle.Stage(target)
        let move = lifecycle.move(
            to: to, offline: gates.offline[subject]?.verdict, online: gates.online[subject]?.verdict,
            firstProduction: firstProduction)
        switch move {
        case .stay:
            return (.ready, nil)
        case .promote(let passed):
            let gatesText =
                passed.isEmpty ? "no gate needed" : passed.map { "\($0.rawValue) gate passed" }.joined(separator: ", ")
            let first = firstProduction && to == .production ? "; the model's first production version" : ""
            return (.ready, record(subject, model, number, lifecycle.stage, to, "promote", "\(gatesText)\(first)"))
        case .rollback:
            return (.ready, record(subject, model, number, lifecycle.stage, to, "rollback", "a rollback needs no gate"))
        case .blocked(let missing, _):
            let gate = missing == .offline ? gates.offline[subject] : gates.online[subject]
            if let gate, !gate.readiness.isReady { return (gate.readiness, nil) }
            return (.blocked(reason: skipped(subject, missing, from: lifecycle.stage, to: to)), nil)
        }
    }

    /// Whether the version has been in production: its own tag, or a production stage expctl
    /// set before the tag existed.
    static func wasProduction(_ version: ModelVersionState) -> Bool {
        version.tags[RegistryTags.wasProduction] == "true" || version.tags[RegistryTags.appliedStage] == "production"
            || version.stage == .production
    }

    /// The `expctl.offline_gate` tag of a version the offline gate judged: `pass`, or `fail: `
    /// and the criteria it missed.
    static func offlineGateTag(_ report: GateReport) -> String {
        guard report.verdict != .pass else { return GateVerdict.pass.rawValue }
        let missed = report.criteria.filter { $0.outcome != .met }.map(\.name)
        return report.verdict.rawValue + (missed.isEmpty ? "" : ": " + missed.joined(separator: ", "))
    }

    /// The record of a production version archived because another replaces it.
    static func replaced(_ model: String, _ number: String, by successor: String) -> GateReport {
        record(
            ModelVersionRef(model: model, version: number).subject, model, number, .production, .archived, "retire",
            "\(ModelVersionRef(model: model, version: successor).subject) replaces it in production")
    }

    private static func record(
        _ subject: String, _ model: String, _ number: String, _ from: ModelLifecycle.Stage, _ to: ModelLifecycle.Stage,
        _ kind: String, _ why: String
    ) -> GateReport {
        GateReport(
            kind: .lifecycle, subject: subject, profile: GateProfile.defaultName, verdict: .pass,
            headline: "\(kind): \(subject) \(from.rawValue) → \(to.rawValue) (\(why))",
            criteria: [GateCriterion(name: "\(kind).\(from.rawValue).\(to.rawValue)", outcome: .met, text: why)],
            identity: GateIdentity(model: model, version: number))
    }

    private static func skipped(
        _ subject: String, _ missing: GateKind, from: ModelLifecycle.Stage, to: ModelLifecycle.Stage
    ) -> BlockReason {
        let message: String
        let hint: String
        switch missing {
        case .offline:
            message =
                "\(subject) cannot move from \(from.rawValue) to \(to.rawValue): it has not passed the offline gate, "
                + "and no training of this tree registered it, so nothing evaluates it"
            hint =
                "promote a version a training registered (promotion `training: NAME`); to adopt a version judged "
                + "elsewhere, set its stage tag in MLflow by hand: expctl keeps a stage that git agrees with"
        case .online, .lifecycle:
            message =
                "\(subject) cannot move from \(from.rawValue) to \(to.rawValue): it has not passed the online gate, "
                + "and no running experiment serves it against a baseline variant"
            hint =
                "run an experiment with a variant on a policy version of this model version (at most the gate "
                + "profile's max_initial_allocation) against the experiment's baseline, then promote it once it passes"
        }
        let evidence = Evidence(
            state: "missing", waitsFor: "the \(missing.rawValue) gate to pass", detail: "nothing gathers its evidence")
        return BlockReason(
            kind: .stageSkipped, message: message, hint: hint,
            dependency: .gate(GateDependency(kind: missing, subject: subject, evidence: evidence)))
    }
}
