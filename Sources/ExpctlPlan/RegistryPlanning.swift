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
    static func plan(
        _ desired: DesiredState, _ registry: RegistryState, _ jobs: TrainingJobs, _ gates: RegistryGates,
        into builder: inout PlanBuilder
    ) {
        checkPolicyVersions(desired.policies, registry, into: &builder)
        let promoted = Dictionary(grouping: desired.promotions, by: \.model)
        // Models git promotes, and those whose versions a gate judged (their gate tags, an automatic candidate).
        let models = Set(promoted.keys).union(gates.offlineReports.values.compactMap(\.identity.model))
        for model in models.sorted() {
            planModel(
                model, promoted[model] ?? [], registry.models[model] ?? RegisteredModelState(name: model),
                registered: registry.models[model] != nil, jobs, gates, into: &builder)
        }
    }

    /// "Policies must reference registered MLflow model versions."
    private static func checkPolicyVersions(
        _ policies: [Policy], _ registry: RegistryState, into builder: inout PlanBuilder
    ) {
        for policy in policies {
            for version in policy.versions {
                guard case .registered(let number) = version.model else { continue }
                let address = ResourceAddress.policyVersion(
                    PolicyVersionRef(policy: policy.name, version: version.version))
                let model = registry.models[version.mlflowModelName]
                guard let state = model?.versions[number] else {
                    let registered =
                        model.map { $0.versions.keys.sorted(by: versionOrder).joined(separator: ", ") } ?? ""
                    builder.problem(
                        PlanProblem(
                            address: address,
                            message:
                                "policy version \(policy.name)@\(version.version) points at \(version.mlflowModelName) "
                                + "version \(number), which is not registered in MLflow: policies must reference "
                                + "registered MLflow model versions",
                            hint: model == nil
                                ? "register the model \(version.mlflowModelName) in MLflow first, "
                                    + "or fix mlflow_model_name"
                                : registered.isEmpty
                                    ? "register it first: \(version.mlflowModelName) has no versions yet"
                                    : "register it first, or point at a registered version (\(registered))",
                            source: version.origin))
                    continue
                }
                if !state.isReady {
                    builder.problem(
                        PlanProblem(
                            address: address,
                            message:
                                "policy version \(policy.name)@\(version.version) points at \(version.mlflowModelName) "
                                + "version \(number), which is \(state.status), not READY",
                            hint: "wait for the registration to finish, or point at a READY version",
                            source: version.origin))
                }
            }
        }
    }

    /// What git declares for one model's versions, once promotions are resolved to versions.
    private struct Declared {
        var stages: [String: DeclaredStage] = [:]
        /// Stages promised to a version a training's job has not registered yet (or not usably).
        var waitingStages: Set<ModelStage> = []
    }

    private static func planModel(
        _ model: String, _ promotions: [Promotion], _ state: RegisteredModelState, registered: Bool,
        _ jobs: TrainingJobs,
        _ gates: RegistryGates, into builder: inout PlanBuilder
    ) {
        let declared = resolve(model, promotions, state, registered: registered, jobs, into: &builder)
        let finalStages = RegistryStagePlanning.plan(
            model, declared.stages, state, gates, managed: !promotions.isEmpty, into: &builder)
        // A model git does not promote keeps its aliases, but for the candidate alias that
        // follows a version the offline gate made a candidate.
        guard !promotions.isEmpty || finalStages.changed else { return }
        planAliases(
            model, declared, finalStages.stages, state,
            stages: promotions.isEmpty ? [.candidate] : [.candidate, .production],
            into: &builder)
    }

    /// Promotions → the version each one names. A promotion of `training: NAME` names the
    /// version the training's job registered, never another one with the same training tag
    /// (a version registered by hand, a retrain's); until the job has registered it, the
    /// promotion is an action that waits on the job (or is blocked when the job failed).
    private static func resolve(
        _ model: String, _ promotions: [Promotion], _ state: RegisteredModelState, registered: Bool,
        _ jobs: TrainingJobs,
        into builder: inout PlanBuilder
    ) -> Declared {
        var declared = Declared()
        for promotion in promotions {
            let number: String
            switch promotion.target {
            case .version(let version):
                guard let found = state.versions[version], found.isReady else {
                    builder.problem(
                        PlanProblem(
                            address: .modelVersion(model: model, version: version),
                            message:
                                "promotion of \(model) version \(version) to \(promotion.stage.rawValue): "
                                + "the version is not registered and READY in MLflow",
                            hint: registered
                                ? "register the version first, or promote a registered one"
                                : "the model \(model) is not registered in MLflow: register it and the version first",
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
                    builder.add(
                        PlannedAction(
                            kind: .update, address: .modelVersion(model: model, version: "(from training \(name))"),
                            changes: [
                                FieldChange(
                                    field: RegistryTags.stage, before: nil, after: .string(promotion.stage.rawValue))
                            ],
                            reason: "promoted in git; the version is the one training \(name)'s job registers",
                            source: promotion.origin, after: trained.after, readiness: readiness))
                    continue
                }
                number = version
            }
            if let earlier = declared.stages[number] {
                builder.problem(
                    PlanProblem(
                        address: .modelVersion(model: model, version: number),
                        message:
                            "\(model) version \(number) is promoted twice: to \(earlier.stage.rawValue) at "
                            + "\(earlier.source) and to \(promotion.stage.rawValue)",
                        hint:
                            "keep one promotion per version "
                            + "(a training's promotion names the version its job registered)",
                        source: promotion.origin))
                continue
            }
            declared.stages[number] = DeclaredStage(stage: promotion.stage, source: promotion.origin)
        }
        return declared
    }

    /// The `production` and `candidate` aliases follow the stages the plan leaves: the version
    /// git gives the stage (the highest, if several), else one that keeps the stage. A stage
    /// promised to a training's future version leaves its alias alone until then, so that
    /// `models:/m@production` keeps loading while it waits.
    private static func planAliases(
        _ model: String, _ declared: Declared, _ finalStages: [String: String], _ state: RegisteredModelState,
        stages: Set<ModelStage>, into builder: inout PlanBuilder
    ) {
        for (stage, alias) in RegistryTags.managedAliases.sorted(by: { $0.value < $1.value })
        where stages.contains(stage) && !declared.waitingStages.contains(stage) {
            let gitVersions = declared.stages.filter { $0.value.stage == stage }.keys
            let keptVersions = finalStages.filter { $0.value == stage.rawValue }.keys
            let wanted = (gitVersions.isEmpty ? Array(keptVersions) : Array(gitVersions)).max(by: versionOrder)
            let current = state.aliases[alias]
            guard wanted != current else { continue }
            let address = ResourceAddress.modelAlias(model: model, alias: alias)
            let change = FieldChange(
                field: "version", before: current.map(JSONValue.string), after: wanted.map(JSONValue.string))
            // An alias moves with the stage it follows: after the stage moves of this plan.
            let after = [wanted, current].compactMap { $0 }
                .map { PlannedAction.id(.update, .modelVersion(model: model, version: $0)) }.filter(builder.hasAction)
            let follows = "follows the \(stage.rawValue) stage"
            switch (current, wanted) {
            case (nil, _?):
                builder.add(
                    PlannedAction(kind: .create, address: address, changes: [change], reason: follows, after: after))
            case (_?, _?):
                builder.add(
                    PlannedAction(kind: .update, address: address, changes: [change], reason: follows, after: after))
            case (_?, nil):
                builder.add(
                    PlannedAction(
                        kind: .retire, address: address, changes: [change],
                        reason: "no version of \(model) is \(stage.rawValue)", after: after))
            case (nil, nil): break
            }
        }
    }

    /// Version numbers in numeric order.
    static func versionOrder(_ left: String, _ right: String) -> Bool { (Int(left) ?? 0) < (Int(right) ?? 0) }
}
