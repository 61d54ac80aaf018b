import ExpctlModel

/// Plans the MLflow model registry: policy versions must point at registered, READY model
/// versions; promotions become each version's `stage` tag and the `production` and
/// `candidate` aliases.
///
/// For a model that git promotes, git is the truth: a stage tag or managed alias changed by
/// hand is drift that the plan restores, and promoting a new production version archives the
/// previous one. Versions git does not name keep their stage, but for a production one that
/// another version replaces. Tags and aliases expctl does not manage are left alone.
enum RegistryPlanning {
    static func plan(_ desired: DesiredState, _ registry: RegistryState, _ jobs: TrainingJobs, into builder: inout PlanBuilder) {
        checkPolicyVersions(desired.policies, registry, into: &builder)
        for (model, promotions) in Dictionary(grouping: desired.promotions, by: \.model).sorted(by: { $0.key < $1.key }) {
            planModel(
                model, promotions, registry.models[model] ?? RegisteredModelState(name: model), registered: registry.models[model] != nil,
                jobs, into: &builder)
        }
    }

    /// "Policies must reference registered MLflow model versions."
    private static func checkPolicyVersions(_ policies: [Policy], _ registry: RegistryState, into builder: inout PlanBuilder) {
        for policy in policies {
            for version in policy.versions {
                guard case .registered(let number) = version.model else { continue }
                let address = ResourceAddress.policyVersion(PolicyVersionRef(policy: policy.name, version: version.version))
                let model = registry.models[version.mlflowModelName]
                guard let state = model?.versions[number] else {
                    let registered = model.map { $0.versions.keys.sorted(by: versionOrder).joined(separator: ", ") } ?? ""
                    builder.problem(PlanProblem(
                        address: address,
                        message: "policy version \(policy.name)@\(version.version) points at \(version.mlflowModelName) version \(number), which is not registered in MLflow: policies must reference registered MLflow model versions",
                        hint: model == nil
                            ? "register the model \(version.mlflowModelName) in MLflow first, or fix mlflow_model_name"
                            : registered.isEmpty
                                ? "register it first: \(version.mlflowModelName) has no versions yet"
                                : "register it first, or point at a registered version (\(registered))",
                        source: version.origin))
                    continue
                }
                if !state.isReady {
                    builder.problem(PlanProblem(
                        address: address,
                        message: "policy version \(policy.name)@\(version.version) points at \(version.mlflowModelName) version \(number), which is \(state.status), not READY",
                        hint: "wait for the registration to finish, or point at a READY version", source: version.origin))
                }
            }
        }
    }

    /// What git declares for one model's versions, once promotions are resolved to versions.
    private struct Declared {
        var stages: [String: (stage: ModelStage, source: SourceLocation)] = [:]
        /// Stages promised to a version a training's job has not registered yet (or not usably).
        var waitingStages: Set<ModelStage> = []
    }

    private static func planModel(
        _ model: String, _ promotions: [Promotion], _ state: RegisteredModelState, registered: Bool, _ jobs: TrainingJobs,
        into builder: inout PlanBuilder
    ) {
        let declared = resolve(model, promotions, state, registered: registered, jobs, into: &builder)
        let finalStages = planStages(model, declared, state, into: &builder)
        planAliases(model, declared, finalStages, state, into: &builder)
    }

    /// Promotions → the version each one names. A promotion of `training: NAME` names the
    /// version the training's job registered, never another one with the same training tag
    /// (a version registered by hand, a retrain's); until the job has registered it, the
    /// promotion is an action that waits on the job (or is blocked when the job failed).
    private static func resolve(
        _ model: String, _ promotions: [Promotion], _ state: RegisteredModelState, registered: Bool, _ jobs: TrainingJobs,
        into builder: inout PlanBuilder
    ) -> Declared {
        var declared = Declared()
        for promotion in promotions {
            let number: String
            switch promotion.target {
            case .version(let version):
                guard let found = state.versions[version], found.isReady else {
                    builder.problem(PlanProblem(
                        address: .modelVersion(model: model, version: version),
                        message: "promotion of \(model) version \(version) to \(promotion.stage.rawValue): the version is not registered and READY in MLflow",
                        hint: registered ? "register the version first, or promote a registered one" : "the model \(model) is not registered in MLflow: register it and the version first",
                        source: promotion.origin))
                    continue
                }
                number = version
            case .training(let name):
                // Nil when the training's own plan is a problem (it changed after its version was written).
                guard let trained = jobs.dependency(of: name, model: model) else { continue }
                let readiness = RegistryChecks.readiness(
                    of: trained, model: model, in: RegistryState(models: [model: state]))
                guard let version = trained.version, readiness.isReady else {
                    // The stage's alias stays where it is until the version exists.
                    declared.waitingStages.insert(promotion.stage)
                    builder.add(PlannedAction(
                        kind: .update, address: .modelVersion(model: model, version: "(from training \(name))"),
                        changes: [FieldChange(field: RegistryTags.stage, before: nil, after: .string(promotion.stage.rawValue))],
                        reason: "promoted in git; the version is the one training \(name)'s job registers",
                        source: promotion.origin, after: trained.after, readiness: readiness))
                    continue
                }
                number = version
            }
            if let earlier = declared.stages[number] {
                builder.problem(PlanProblem(
                    address: .modelVersion(model: model, version: number),
                    message: "\(model) version \(number) is promoted twice: to \(earlier.stage.rawValue) at \(earlier.source) and to \(promotion.stage.rawValue)",
                    hint: "keep one promotion per version (a training's promotion names the version its job registered)",
                    source: promotion.origin))
                continue
            }
            declared.stages[number] = (promotion.stage, promotion.origin)
        }
        return declared
    }

    /// The `stage` tag of each version: what git declares, and `archived` for a production
    /// version another declared version replaces. Returns every version's stage once the plan
    /// is applied (for the aliases).
    private static func planStages(
        _ model: String, _ declared: Declared, _ state: RegisteredModelState, into builder: inout PlanBuilder
    ) -> [String: String] {
        var finalStages: [String: String] = [:]
        let production = declared.stages.values.first { $0.stage == .production }
        for number in state.versions.keys.sorted(by: versionOrder) {
            let version = state.versions[number]!
            // The raw tag: a value expctl does not know (`Production`) is shown as it is.
            let current = version.tags[RegistryTags.stage]
            finalStages[number] = current
            let target: ModelStage
            let source: SourceLocation
            var reason = "promoted in git"
            if let promotion = declared.stages[number] {
                target = promotion.stage
                source = promotion.source
                if let current, current != target.rawValue { reason = Self.reason(current, version, git: target) }
            } else if version.stage == .production, let production {
                target = .archived
                // Caused by the new production version's promotion: its file is the lineage.
                source = production.source
                reason = "another version of \(model) is promoted to production"
            } else {
                continue
            }
            finalStages[number] = target.rawValue
            guard current != target.rawValue else { continue }
            builder.add(PlannedAction(
                kind: .update, address: .modelVersion(model: model, version: number),
                changes: [FieldChange(field: RegistryTags.stage, before: current.map(JSONValue.string), after: .string(target.rawValue))],
                reason: reason, source: source))
        }
        return finalStages
    }

    /// The `production` and `candidate` aliases follow the stages the plan leaves: the version
    /// git gives the stage (the highest, if several), else one that keeps the stage. A stage
    /// promised to a training's future version leaves its alias alone until then, so that
    /// `models:/m@production` keeps loading while it waits.
    private static func planAliases(
        _ model: String, _ declared: Declared, _ finalStages: [String: String], _ state: RegisteredModelState,
        into builder: inout PlanBuilder
    ) {
        for (stage, alias) in RegistryTags.managedAliases.sorted(by: { $0.value < $1.value }) where !declared.waitingStages.contains(stage) {
            let gitVersions = declared.stages.filter { $0.value.stage == stage }.keys
            let keptVersions = finalStages.filter { $0.value == stage.rawValue }.keys
            let wanted = (gitVersions.isEmpty ? Array(keptVersions) : Array(gitVersions)).max(by: versionOrder)
            let current = state.aliases[alias]
            guard wanted != current else { continue }
            let address = ResourceAddress.modelAlias(model: model, alias: alias)
            let change = FieldChange(field: "version", before: current.map(JSONValue.string), after: wanted.map(JSONValue.string))
            switch (current, wanted) {
            case (nil, _?): builder.add(PlannedAction(kind: .create, address: address, changes: [change], reason: "follows the \(stage.rawValue) stage"))
            case (_?, _?): builder.add(PlannedAction(kind: .update, address: address, changes: [change], reason: "follows the \(stage.rawValue) stage"))
            case (_?, nil): builder.add(PlannedAction(kind: .retire, address: address, changes: [change], reason: "no version of \(model) is \(stage.rawValue)"))
            case (nil, nil): break
            }
        }
    }

    /// Version numbers in numeric order.
    private static func versionOrder(_ left: String, _ right: String) -> Bool { (Int(left) ?? 0) < (Int(right) ?? 0) }

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
