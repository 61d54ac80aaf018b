import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `policies` and its versions.
enum PolicyDecoder {
    static let fields = ["name", "description", "versions"]
    static let versionFields = ["version", "description", "mlflow_model_name", "mlflow_model_version", "training", "config_defaults"]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> Policy? {
        let scope = Scope(resource: Scope.resourceLabel("policy", node, index: index))
        guard let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "a policy")
        else { return nil }
        let name = reader.name("name")
        if let name { context.declarations.policies.insert(name) }
        let description = reader.string("description", required: false)
        let unique = UniqueListDecoding<PolicyVersion, Int>(
            field: "versions", keyField: "version", key: \.version,
            repeated: { "version \($0) is repeated in this policy (first at line \($1))" },
            hint: "policy versions are immutable: add a new version with the next number instead")
        let (versions, allValid) = unique.decode(reader.sequence("versions") ?? [], context: context, scope: scope) {
            decodeVersion($0, policy: name, context: context, scope: $1)
        }
        if versions.isEmpty, allValid {
            context.error(
                at: reader.mark(of: "versions"), scope, field: "versions", "policy has no versions",
                hint: "add `versions:` with version 1 and the MLflow model version it serves")
            return nil
        }
        guard let name, allValid else { return nil }
        return Policy(name: name, description: description, versions: versions, origin: context.location(reader.mark(of: "name")))
    }

    private static func decodeVersion(_ node: YAMLNode, policy: String?, context: DecodeContext, scope: Scope) -> PolicyVersion? {
        guard let reader = MappingReader(node, allowed: versionFields, context: context, scope: scope, what: "a policy version")
        else { return nil }
        let number = reader.positiveInteger("version")
        _ = reader.string("description", required: false)
        let modelName = reader.modelName("mlflow_model_name")
        if let policy, let number { context.declarations.policyVersions[policy, default: []].append(number) }
        if let modelName { context.declarations.models.insert(modelName) }
        let configDefaults = reader.jsonObject("config_defaults")
        let model = modelSource(reader, context: context, scope: scope)
        guard let number, let modelName, let model else { return nil }
        return PolicyVersion(
            version: number, mlflowModelName: modelName, model: model, configDefaults: configDefaults ?? [:],
            origin: context.location(node.mark))
    }

    /// Exactly one of `mlflow_model_version` (a registered version) and `training`.
    private static func modelSource(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> ModelSource? {
        let hasVersion = reader.optional("mlflow_model_version") != nil
        let hasTraining = reader.optional("training") != nil
        switch (hasVersion, hasTraining) {
        case (true, true):
            context.error(
                at: reader.mark(of: "training"), scope, field: "training",
                "both mlflow_model_version and training are set",
                hint: "keep mlflow_model_version for an already registered model, or training for the version a training registers; not both")
            return nil
        case (false, false):
            context.error(
                at: reader.node.mark, scope, "neither mlflow_model_version nor training is set",
                hint: "add `mlflow_model_version: N` for a registered model version, or `training: NAME` for the version a training registers")
            return nil
        case (true, false):
            return reader.modelVersion("mlflow_model_version")
                .map { .registered(version: $0) }
        case (false, true):
            guard let training = reader.name("training") else { return nil }
            context.reference(.training(training), at: reader.mark(of: "training"), scope, field: "training")
            return .training(name: training)
        }
    }
}
