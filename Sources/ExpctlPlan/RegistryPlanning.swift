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
    static func plan(_ desired: DesiredState, _ registry: RegistryState, into builder: inout PlanBuilder) {
        checkPolicyVersions(desired.policies, registry, into: &builder)
        for (model, promotions) in Dictionary(grouping: desired.promotions, by: \.model).sorted(by: { $0.key < $1.key }) {
            planModel(model, promotions, registry.models[model] ?? RegisteredModelState(name: model), into: &builder)
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
                    let registered = model.map { $0.versions.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.joined(separator: ", ") } ?? ""
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

    private static func planModel(
        _ model: String, _ promotions: [Promotion], _ state: RegisteredModelState, into builder: inout PlanBuilder
    ) {
        var declared: [String: (stage: ModelStage, source: SourceLocation)] = [:]
        for promotion in promotions {
            switch promotion.target {
            case .version(let number):
                guard let version = state.versions[number], version.isReady else {
                    builder.problem(PlanProblem(
                        address: .modelVersion(model: model, version: number),
                        message: "promotion of \(model) version \(number) to \(promotion.stage.rawValue): the version is not registered and READY in MLflow",
                        hint: "register the version first, or promote a registered one", source: promotion.origin))
                    continue
                }
                declared[number] = (promotion.stage, promotion.origin)
            case .training(let name):
                if let version = state.versions.values.first(where: { $0.tags[RegistryTags.training] == name && $0.isReady }) {
                    declared[version.version] = (promotion.stage, promotion.origin)
                } else {
                    // The training has not registered its version yet: the promotion waits for it.
                    builder.add(PlannedAction(
                        kind: .update, address: .modelVersion(model: model, version: "(from training \(name))"),
                        changes: [FieldChange(field: RegistryTags.stage, before: nil, after: .string(promotion.stage.rawValue))],
                        reason: "promoted in git; the version does not exist until training \(name) registers it",
                        source: promotion.origin, waitsOn: [.job("training \(name)")]))
                }
            }
        }
        for number in state.versions.keys.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
            let version = state.versions[number]!
            let target: ModelStage?
            var source: SourceLocation?
            var reason = "promoted in git"
            if let promotion = declared[number] {
                target = promotion.stage
                source = promotion.source
                if let current = version.stage, current != target { reason = Self.reason(current, version, git: promotion.stage) }
            } else if version.stage == .production, let production = declared.values.first(where: { $0.stage == .production }) {
                target = .archived
                // Caused by the new production version's promotion: its file is the lineage.
                source = production.source
                reason = "another version of \(model) is promoted to production"
            } else {
                continue
            }
            guard version.stage != target, let target else { continue }
            builder.add(PlannedAction(
                kind: .update, address: .modelVersion(model: model, version: number),
                changes: [FieldChange(field: RegistryTags.stage, before: version.stage.map { .string($0.rawValue) }, after: .string(target.rawValue))],
                reason: reason, source: source))
        }
        for (stage, alias) in RegistryTags.managedAliases.sorted(by: { $0.value < $1.value }) {
            // The highest version git gives the stage; none means the alias should not exist.
            let wanted = declared.filter { $0.value.stage == stage }.keys.max { (Int($0) ?? 0) < (Int($1) ?? 0) }
            let current = state.aliases[alias]
            guard wanted != current else { continue }
            let address = ResourceAddress.modelAlias(model: model, alias: alias)
            let change = FieldChange(field: "version", before: current.map(JSONValue.string), after: wanted.map(JSONValue.string))
            switch (current, wanted) {
            case (nil, _?): builder.add(PlannedAction(kind: .create, address: address, changes: [change], reason: "follows the \(stage.rawValue) stage"))
            case (_?, _?): builder.add(PlannedAction(kind: .update, address: address, changes: [change], reason: "follows the \(stage.rawValue) stage"))
            case (_?, nil): builder.add(PlannedAction(kind: .retire, address: address, changes: [change], reason: "no version of \(model) is \(stage.rawValue) in git"))
            case (nil, nil): break
            }
        }
    }

    /// Why a version whose stage git declares is changed: git changed since expctl last set
    /// the stage, or someone changed the stage in MLflow (drift), or expctl never set it.
    private static func reason(_ current: ModelStage, _ version: ModelVersionState, git: ModelStage) -> String {
        switch version.tags[RegistryTags.appliedStage] {
        case nil: "git says \(git.rawValue); MLflow has \(current.rawValue), not set by expctl"
        case current.rawValue?: "changed in git from \(current.rawValue)"
        default: "changed in MLflow by hand (drift); git says \(git.rawValue)"
        }
    }
}
