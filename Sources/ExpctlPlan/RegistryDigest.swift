public import ExpctlModel

extension RegistryState {
    /// A canonical text of what the planner compares (every version's status and tags, every
    /// alias), so that equal states give equal texts and a saved plan can record its digest.
    public var canonicalText: String {
        var modelValues: [String: JSONValue] = [:]
        for (name, model) in models {
            var versions: [String: JSONValue] = [:]
            for (number, version) in model.versions {
                versions[number] = .object([
                    "status": .string(version.status), "tags": .object(version.tags.mapValues(JSONValue.string)),
                ])
            }
            modelValues[name] = .object(["versions": .object(versions), "aliases": .object(model.aliases.mapValues(JSONValue.string))])
        }
        return JSONValue.object(modelValues).canonicalText
    }

    /// SHA-256 (hex) of `canonicalText`.
    public var digest: String { ContentHash.hex(canonicalText) }
}

extension DesiredState {
    /// The MLflow registered models the desired state refers to (policy versions' models and
    /// promoted models): the ones the planner needs the registry state of.
    public var registryModels: Set<String> {
        var names = Set(promotions.map(\.model))
        for policy in policies {
            for version in policy.versions { names.insert(version.mlflowModelName) }
        }
        return names
    }

    /// Whether planning this state needs the MLflow registry: it promotes a model or links a
    /// policy version to a registered model version.
    public var refersToRegistry: Bool {
        !promotions.isEmpty || policies.contains { $0.versions.contains { if case .registered = $0.model { true } else { false } } }
    }
}
