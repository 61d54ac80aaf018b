import ExpctlModel
import ExpctlPlan
import PlanningTestSupport

/// The actual state that applying `state` from empty would leave, with ids from names.
func converged(_ state: DesiredState) -> ActualState {
    var actual = ActualState()
    for policy in state.policies {
        var versions: [Int: ActualPolicyVersion] = [:]
        for version in policy.versions {
            var modelVersion: String?
            var training: String?
            switch version.model {
            case .registered(let number): modelVersion = number
            case .training(let name): training = name
            }
            versions[version.version] = ActualPolicyVersion(
                id: "pv-\(policy.name)-\(version.version)", version: version.version, mlflowModelName: version.mlflowModelName,
                mlflowModelVersion: modelVersion, trainingName: training, configDefaults: version.configDefaults)
        }
        actual.policies[policy.name] = ActualPolicy(
            id: "p-\(policy.name)", name: policy.name, description: policy.description, versions: versions,
            provenance: Provenance(commit: "c0", path: policy.origin.path))
    }
    for experiment in state.experiments {
        var variants: [String: ActualVariant] = [:]
        for variant in experiment.variants {
            variants[variant.name] = ActualVariant(
                id: "v-\(variant.name)", name: variant.name, allocation: variant.allocation, policyVersion: variant.policyVersion,
                params: variant.params)
        }
        actual.experiments[experiment.name] = ActualExperiment(
            id: "e-\(experiment.name)", name: experiment.name, description: experiment.description, unitType: experiment.unitType,
            status: experiment.status, startsAt: experiment.startsAt, endsAt: experiment.endsAt, baseline: experiment.baseline,
            variants: variants, provenance: Provenance(commit: "c0", path: experiment.origin.path))
    }
    return actual
}
