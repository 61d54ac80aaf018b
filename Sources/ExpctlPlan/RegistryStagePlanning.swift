import ExpctlModel

/// A stage git declares for a version, and where.
struct DeclaredStage {
    var stage: ModelStage
    var source: SourceLocation
}

/// What the registry's plan reads from the gates: the verdicts the lifecycle needs, and the
/// offline reports whose verdicts become tags, by subject (`planner_model/3`).
struct RegistryGates {
    var lifecycle = LifecycleGates()
    var offlineReports: [String: GateReport] = [:]
}

/// Plans the `stage` tag of each version of one model, and the gate tags: what git declares
/// once the lifecycle allows it (`LifecyclePlanning`), `archived` for a production version
/// another declared version replaces (after that promotion), `candidate` for a trained version
/// that passed the offline gate and that git gives no stage, and `expctl.offline_gate` with
/// the offline verdict (an action of its own, so that it lands even while a stage move waits).
enum RegistryStagePlanning {
    /// Every version's stage once the plan is applied (for the aliases), and whether the plan
    /// changes any.
    struct Result {
        var stages: [String: String]
        var changed: Bool
    }

    static func plan(
        _ model: String, _ declared: [String: DeclaredStage], _ state: RegisteredModelState, _ gates: RegistryGates,
        managed: Bool, into builder: inout PlanBuilder
    ) -> Result {
        var result = Result(stages: [:], changed: false)
        let production = declared.first { $0.value.stage == .production }
        let firstProduction =
            !state.versions.values.contains(where: LifecyclePlanning.wasProduction)
            && state.aliases[EvaluationIdentity.productionAlias] == nil
        // The new production version first: archiving the one it replaces comes after its move,
        // and is recorded only if that move happens in this plan (or has happened).
        var productionMoveReady = true
        let numbers = state.versions.keys.sorted(by: RegistryPlanning.versionOrder)
        for number in numbers.filter({ $0 == production?.key }) + numbers.filter({ $0 != production?.key }) {
            let version = state.versions[number]!
            let subject = ModelVersionRef(model: model, version: number).subject
            // The raw tag: a value expctl does not know (`Production`) is shown as it is.
            let current = version.tags[RegistryTags.stage]
            result.stages[number] = current
            var target: ModelStage?
            var source: SourceLocation?
            var reason = "promoted in git"
            var readiness = Readiness.ready
            var after: [String] = []
            var record: GateReport?
            if let promotion = declared[number] {
                target = promotion.stage
                source = promotion.source
                if let current, current != promotion.stage.rawValue {
                    reason = Self.reason(current, version, git: promotion.stage)
                }
                if current != promotion.stage.rawValue {
                    (readiness, record) = LifecyclePlanning.move(
                        model, number, version, to: promotion.stage, firstProduction: firstProduction, gates.lifecycle)
                    if promotion.stage == .production { productionMoveReady = readiness.isReady }
                }
            } else if managed, version.stage == .production, let production {
                target = .archived
                // Caused by the new production version's promotion: its file is the lineage.
                source = production.value.source
                reason = "another version of \(model) is promoted to production"
                let promotion = PlannedAction.id(.update, .modelVersion(model: model, version: production.key))
                if builder.hasAction(promotion) { after = [promotion] }
                if productionMoveReady { record = LifecyclePlanning.replaced(model, number, by: production.key) }
            } else if current == nil, gates.offlineReports[subject]?.verdict == .pass {
                target = .candidate
                reason = "passed the offline gate"
                (readiness, record) = LifecyclePlanning.move(
                    model, number, version, to: .candidate, firstProduction: firstProduction, gates.lifecycle)
            }
            var changes: [FieldChange] = []
            if let target, current != target.rawValue {
                result.stages[number] = target.rawValue
                changes.append(
                    FieldChange(
                        field: RegistryTags.stage, before: current.map(JSONValue.string),
                        after: .string(target.rawValue)))
                if target == .production, version.tags[RegistryTags.wasProduction] != "true" {
                    changes.append(
                        FieldChange(
                            field: RegistryTags.wasProduction,
                            before: version.tags[RegistryTags.wasProduction].map(JSONValue.string),
                            after: .string("true")))
                }
            }
            if let report = gates.offlineReports[subject] {
                let tag = LifecyclePlanning.offlineGateTag(report)
                if version.tags[RegistryTags.offlineGate] != tag {
                    result.changed = true
                    let before = version.tags[RegistryTags.offlineGate].map(JSONValue.string)
                    builder.add(
                        PlannedAction(
                            kind: .update, address: .modelVersionTags(model: model, version: number),
                            changes: [
                                FieldChange(field: RegistryTags.offlineGate, before: before, after: .string(tag))
                            ],
                            reason: "the offline gate judged it: \(tag)"))
                }
            }
            guard !changes.isEmpty else { continue }
            result.changed = true
            builder.add(
                PlannedAction(
                    kind: .update, address: .modelVersion(model: model, version: number), changes: changes,
                    reason: reason,
                    source: source, after: after, readiness: readiness))
            if let record { builder.keep([record]) }
        }
        return result
    }

    /// Why a version whose stage git declares is changed: git changed since expctl last set
    /// the stage, someone changed the stage in MLflow (drift), or expctl never set it. (An
    /// apply killed between writing `expctl.stage` and `stage` also reads as drift: the two
    /// cannot be told apart, and the next apply repairs both the same way.)
    private static func reason(_ current: String, _ version: ModelVersionState, git: ModelStage) -> String {
        switch version.tags[RegistryTags.appliedStage] {
        case nil: "git says \(git.rawValue); MLflow has \(current), not set by expctl"
        case current?: "changed in git from \(current)"
        default: "changed in MLflow by hand (drift); git says \(git.rawValue)"
        }
    }
}
