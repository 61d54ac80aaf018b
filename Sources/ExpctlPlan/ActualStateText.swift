import ExpctlModel

extension ActualState {
    /// A canonical text of everything the planner compares, so that two equal states give the
    /// same text: a saved plan records its digest, and apply refuses the plan when the
    /// database no longer gives the same digest.
    public var canonicalText: String {
        var policyValues: [String: JSONValue] = [:]
        for (name, policy) in policies {
            var versions: [String: JSONValue] = [:]
            for (number, version) in policy.versions {
                versions[String(number)] = .object([
                    "id": .string(version.id), "model": .string(version.mlflowModelName),
                    "model_version": version.mlflowModelVersion.map(JSONValue.string) ?? .null,
                    "training": version.trainingName.map(JSONValue.string) ?? .null, "config_defaults": .object(version.configDefaults),
                    "job_id": version.jobID.map(JSONValue.string) ?? .null,
                ])
            }
            policyValues[name] = .object([
                "id": .string(policy.id), "description": policy.description.map(JSONValue.string) ?? .null,
                "path": policy.provenance.map { .string($0.path) } ?? .null, "versions": .object(versions),
            ])
        }
        var experimentValues: [String: JSONValue] = [:]
        for (name, experiment) in experiments {
            var variants: [String: JSONValue] = [:]
            for (variantName, variant) in experiment.variants {
                variants[variantName] = .object([
                    "id": .string(variant.id), "allocation": .integer(Int64(variant.allocation.buckets)),
                    "policy_version": variant.policyVersion.map { .string($0.description) } ?? .null,
                    "params": .object(variant.params), "retired_at": Self.text(variant.retiredAt),
                    "position": variant.position.map { .integer(Int64($0)) } ?? .null,
                ])
            }
            experimentValues[name] = .object([
                "id": .string(experiment.id), "description": experiment.description.map(JSONValue.string) ?? .null,
                "unit_type": .string(experiment.unitType.rawValue), "status": .string(experiment.status.rawValue),
                "starts_at": Self.text(experiment.startsAt), "ends_at": Self.text(experiment.endsAt),
                "baseline": experiment.baseline.map(JSONValue.string) ?? .null, "archived_at": Self.text(experiment.archivedAt),
                "path": experiment.provenance.map { .string($0.path) } ?? .null, "variants": .object(variants),
            ])
        }
        return JSONValue.object(["policies": .object(policyValues), "experiments": .object(experimentValues)]).canonicalText
    }

    private static func text(_ timestamp: Timestamp?) -> JSONValue { timestamp.map { .string($0.description) } ?? .null }
}

extension ActualState {
    /// SHA-256 (hex) of `canonicalText`.
    public var digest: String { ContentHash.hex(canonicalText) }
}
