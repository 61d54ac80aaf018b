import ExpctlModel

/// Plans policies and their versions. Versions are immutable: an existing version whose model
/// or defaults differ in git is a problem whose fix is a new version number. Policies and
/// versions that leave git stay in the database, since variants and events reference them.
enum PolicyPlanning {
    static func plan(_ desired: [Policy], _ actual: [String: ActualPolicy], into builder: inout PlanBuilder) {
        for policy in desired {
            let address = ResourceAddress.policy(policy.name)
            let description = PlanValues.description(policy.description)
            if let existing = actual[policy.name] {
                let changes = PlanValues.changes([
                    ("description", PlanValues.text(PlanValues.description(existing.description)), PlanValues.text(description)),
                    ("source_path", PlanValues.text(existing.provenance?.path), PlanValues.text(policy.origin.path)),
                ])
                if !changes.isEmpty {
                    builder.add(PlannedAction(kind: .update, address: address, changes: changes, reason: "changed in git", source: policy.origin))
                }
            } else {
                builder.add(PlannedAction(
                    kind: .create, address: address,
                    changes: PlanValues.changes([("description", nil, PlanValues.text(description))]),
                    reason: "not in the database", source: policy.origin))
            }
            for version in policy.versions {
                planVersion(version, of: policy, actual: actual[policy.name], into: &builder)
            }
        }
    }

    private static func planVersion(
        _ version: PolicyVersion, of policy: Policy, actual: ActualPolicy?, into builder: inout PlanBuilder
    ) {
        let existing = actual?.versions[version.version]
        let reference = PolicyVersionRef(policy: policy.name, version: version.version)
        let address = ResourceAddress.policyVersion(reference)
        let desired = fields(of: version)
        guard let existing else {
            var waitsOn: [Dependency] = []
            if let policyCreation = builder.creation(of: .policy(policy.name)) { waitsOn.append(.action(policyCreation)) }
            builder.add(PlannedAction(
                kind: .create, address: address,
                changes: PlanValues.changes(desired.map { ($0.0, nil, $0.1) }),
                reason: "not in the database", source: version.origin, waitsOn: waitsOn))
            return
        }
        let current = fields(of: existing, comparedWith: version)
        let differences = PlanValues.changes(zip(current, desired).map { ($0.0.0, $0.0.1, $0.1.1) })
        guard differences.isEmpty else {
            let fields = differences.map(\.field).joined(separator: ", ")
            builder.problem(PlanProblem(
                address: address,
                message: "policy version \(reference) is immutable, but git changes its \(fields)",
                hint: "restore version \(version.version) as it was and add the change as version \(nextFreeVersion(of: policy, actual)) instead",
                source: version.origin))
            return
        }
    }

    /// The immutable fields of a desired version.
    private static func fields(of version: PolicyVersion) -> [(String, JSONValue?)] {
        var fields: [(String, JSONValue?)] = [("mlflow_model_name", .string(version.mlflowModelName))]
        switch version.model {
        case .registered(let number):
            fields += [("mlflow_model_version", .string(number)), ("training", nil)]
        case .training(let name):
            fields += [("mlflow_model_version", nil), ("training", .string(name))]
        }
        return fields + [("config_defaults", PlanValues.object(version.configDefaults))]
    }

    /// The same fields of a stored version. A trained version gets its model version when its
    /// training registers it: that is not a change of what git declared.
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
