import ExpctlModel

/// Plans policies and their versions. Versions are immutable: an existing version whose model
/// or defaults differ in git is a problem whose fix is a new version number. Policies and
/// versions that leave git stay in the database, since variants and events reference them.
///
/// Nothing points at a model that does not exist: a version from a training is written only
/// once the training's job has registered its model version (until then it waits on the job)
/// and that version has passed the offline gate (`GatePlanning`), and a version is written
/// only when its model version was checked in MLflow or the check was skipped on purpose.
enum PolicyPlanning {
    static func plan(
        _ desired: [Policy], _ observed: ObservedState, _ jobs: TrainingJobs, _ offline: GatePlanning.OfflineResults,
        into builder: inout PlanBuilder
    ) {
        let actual = observed.database.policies
        for policy in desired {
            let address = ResourceAddress.policy(policy.name)
            let description = PlanValues.description(policy.description)
            if let existing = actual[policy.name] {
                let changes = PlanValues.changes([
                    ("description", PlanValues.text(PlanValues.description(existing.description)), PlanValues.text(description)),
                    ("source_path", PlanValues.text(existing.provenance?.path), PlanValues.text(policy.origin.path)),
                ])
                if !changes.isEmpty {
                    builder.add(PlannedAction(
                        kind: .update, address: address, changes: changes, reason: "changed in git",
                        source: policy.origin))
                }
            } else {
                builder.add(PlannedAction(
                    kind: .create, address: address,
                    changes: PlanValues.changes([("description", nil, PlanValues.text(description))]),
                    reason: "not in the database", source: policy.origin))
            }
            for version in policy.versions {
                planVersion(
                    version, of: policy, actual: actual[policy.name], observed.registry, jobs, offline, into: &builder)
            }
        }
    }

    private static func planVersion(
        _ version: PolicyVersion, of policy: Policy, actual: ActualPolicy?, _ registry: RegistryObservation, _ jobs: TrainingJobs,
        _ offline: GatePlanning.OfflineResults, into builder: inout PlanBuilder
    ) {
        let reference = PolicyVersionRef(policy: policy.name, version: version.version)
        let address = ResourceAddress.policyVersion(reference)
        var trained: TrainingDependency?
        if case .training(let name) = version.model {
            // Nil when the training's own plan is a problem (it changed after its version was written).
            guard let dependency = jobs.dependency(of: name, model: version.mlflowModelName) else { return }
            trained = dependency
        }
        guard let existing = actual?.versions[version.version] else {
            var after = trained?.after ?? []
            if let policyCreation = builder.maker(of: .policy(policy.name)) { after.insert(policyCreation, at: 0) }
            builder.add(PlannedAction(
                kind: .create, address: address,
                changes: PlanValues.changes(fields(of: version, trained).map { ($0.0, nil, $0.1) }),
                reason: "not in the database", source: version.origin, after: after,
                readiness: readiness(version, trained, registry, offline)))
            return
        }
        let current = fields(of: existing, comparedWith: version)
        let differences = PlanValues.changes(zip(current, immutableFields(of: version)).map { ($0.0.0, $0.0.1, $0.1.1) })
        guard differences.isEmpty else {
            let fields = differences.map(\.field).joined(separator: ", ")
            builder.problem(PlanProblem(
                address: address,
                message: "policy version \(reference) is immutable, but git changes its \(fields)",
                hint: "restore version \(version.version) as it was "
                    + "and add the change as version \(nextFreeVersion(of: policy, actual)) instead",
                source: version.origin))
            return
        }

        // Written before expctl waited on jobs, with what git still declares (checked above):
        // the model version is filled in once the job registered it.
        if let trained, existing.mlflowModelVersion == nil {
            builder.add(PlannedAction(
                kind: .update, address: address,
                changes: PlanValues.changes([
                    ("mlflow_model_version", nil, trained.version.map(JSONValue.string) ?? trained.jobPlaceholder),
                    ("job_id", nil, trained.job.map { .string($0.id) }),
                ]),
                reason: "its training's job registers the model version", source: version.origin, after: trained.after,
                readiness: readiness(version, trained, registry, offline)))
            return
        }
    }

    /// Whether a new (or filled-in) version can be written: a trained one once its job has
    /// registered a version that MLflow has, as that job's, and that version passed the offline
    /// gate; any one only with the registry checked or skipped on purpose.
    /// Being blocked comes first: a version that would still be blocked once its job finishes
    /// says so now, since someone has to act.
    private static func readiness(
        _ version: PolicyVersion, _ trained: TrainingDependency?, _ registry: RegistryObservation,
        _ offline: GatePlanning.OfflineResults
    ) -> Readiness {
        let own = modelReadiness(version, trained, registry)
        guard case .training(let name) = version.model, let gate = offline.readiness[name] else { return own }
        return Readiness.combined([own, gate])
    }

    private static func modelReadiness(
        _ version: PolicyVersion, _ trained: TrainingDependency?, _ registry: RegistryObservation
    ) -> Readiness {
        if let trained, case .blocked = trained.readiness { return trained.readiness }
        switch registry {
        case .notConfigured:
            return .blocked(reason: BlockReason(
                kind: .registryNotChecked,
                message: "MLflow is not configured, so expctl cannot check that \(modelText(version, trained)) exists",
                hint: "set MLFLOW_TRACKING_URI or pass --mlflow-url; or pass --skip-registry to write policy versions unchecked"))
        case .skipped:
            return trained?.readiness ?? .ready
        case .read(let state):
            return trained.map { RegistryChecks.readiness(of: $0, model: version.mlflowModelName, in: state) } ?? .ready
        }
    }

    /// `planner_model version 1`, or `the version of planner_model that training t registers`.
    private static func modelText(_ version: PolicyVersion, _ trained: TrainingDependency?) -> String {
        switch version.model {
        case .registered(let number): "\(version.mlflowModelName) version \(number)"
        case .training(let name):
            trained?.version.map { "\(version.mlflowModelName) version \($0)" }
                ?? "the version of \(version.mlflowModelName) that training \(name) registers"
        }
    }

    /// The fields a new version is written with.
    private static func fields(of version: PolicyVersion, _ trained: TrainingDependency?) -> [(String, JSONValue?)] {
        var fields: [(String, JSONValue?)] = [("mlflow_model_name", .string(version.mlflowModelName))]
        switch version.model {
        case .registered(let number):
            fields += [("mlflow_model_version", .string(number)), ("training", nil)]
        case .training(let name):
            fields += [
                ("mlflow_model_version", trained?.version.map(JSONValue.string) ?? trained?.jobPlaceholder),
                ("training", .string(name)), ("job_id", trained?.job.map { .string($0.id) }),
            ]
        }
        return fields + [("config_defaults", PlanValues.object(version.configDefaults))]
    }

    /// The immutable fields of a desired version (a trained version's model version is the
    /// job's to fill in, so it is not compared).
    private static func immutableFields(of version: PolicyVersion) -> [(String, JSONValue?)] {
        fields(of: version, nil).filter { $0.0 != "job_id" }
    }

    /// The same fields of a stored version.
    private static func fields(of existing: ActualPolicyVersion, comparedWith desired: PolicyVersion) -> [(String, JSONValue?)] {
        var modelVersion = existing.mlflowModelVersion.map(JSONValue.string)
        if case .training(let name) = desired.model, existing.trainingName == name { modelVersion = nil }
        return [
            ("mlflow_model_name", .string(existing.mlflowModelName)),
            ("mlflow_model_version", modelVersion),
            ("training", existing.trainingName.map(JSONValue.string)),
            ("config_defaults", PlanValues.object(existing.configDefaults)),
        ]
    }

    /// One past every version git or the database knows.
    private static func nextFreeVersion(of policy: Policy, _ actual: ActualPolicy?) -> Int {
        max(policy.versions.map(\.version).max() ?? 0, actual?.versions.keys.max() ?? 0) + 1
    }
}

extension TrainingDependency {
    /// The model version's placeholder while the job has not registered it.
    var jobPlaceholder: JSONValue? {
        for case .job(let dependency) in waitingOn { return PlanValues.knownAfterJob(dependency.job) }
        if case .blocked(let reason) = readiness, case .job(let dependency)? = reason.dependency {
            return PlanValues.knownAfterJob(dependency.job)
        }
        return nil
    }

    private var waitingOn: [Dependency] {
        if case .waiting(let dependencies) = readiness { dependencies } else { [] }
    }
}
