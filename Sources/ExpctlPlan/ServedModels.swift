import ExpctlModel

/// Which model version each policy version serves, and whether that version is in production:
/// what the online gate and the traffic cap ask of a variant.
struct ServedModels {
    /// By policy version (`planner_policy@2`): the model and its version, when known.
    private var models: [PolicyVersionRef: ModelVersionRef] = [:]
    private let registry: RegistryState?

    init(_ desired: DesiredState, _ observed: ObservedState, _ jobs: TrainingJobs) {
        registry = observed.registry.state
        for (name, policy) in observed.database.policies {
            for (number, version) in policy.versions {
                guard let modelVersion = version.mlflowModelVersion else { continue }
                models[PolicyVersionRef(policy: name, version: number)] = ModelVersionRef(
                    model: version.mlflowModelName, version: modelVersion)
            }
        }
        for policy in desired.policies {
            for version in policy.versions {
                let reference = PolicyVersionRef(policy: policy.name, version: version.version)
                guard models[reference] == nil else { continue }
                switch version.model {
                case .registered(let number):
                    models[reference] = ModelVersionRef(model: version.mlflowModelName, version: number)
                case .training(let name):
                    if let number = jobs.dependency(of: name, model: version.mlflowModelName)?.version {
                        models[reference] = ModelVersionRef(model: version.mlflowModelName, version: number)
                    }
                }
            }
        }
    }

    func model(of policyVersion: PolicyVersionRef?) -> ModelVersionRef? { policyVersion.flatMap { models[$0] } }

    var registryWasRead: Bool { registry != nil }

    /// Whether MLflow has the version in production (its stage tag or the production alias);
    /// nil when the registry was not read.
    func isProduction(_ model: ModelVersionRef) -> Bool? {
        guard let registry else { return nil }
        guard let state = registry.models[model.model] else { return false }
        return state.versions[model.version]?.stage == .production
            || state.aliases[EvaluationIdentity.productionAlias] == model.version
    }
}

/// A model version: `planner_model/3`, the subject of its offline gate and lifecycle.
struct ModelVersionRef: Hashable {
    var model: String
    var version: String

    var subject: String { "\(model)/\(version)" }
}
