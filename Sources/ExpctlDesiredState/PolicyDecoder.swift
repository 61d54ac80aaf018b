import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `policies` and its versions.
enum PolicyDecoder {
    static let fields = ["name", "description", "versions"]
    static let versionFields = ["version", "description", "mlflow_model_name", "mlflow_model_version", "training", "config_defaults"]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> Policy? {
        let scope = Scope(resource: MappingReader.resourceLabel("policy", node, index: index))
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
        guard let name, allValid else { return nil }
        return Policy(name: name, description: description, versions: versions, origin: context.location(node.mark))
    }

    private static func decodeVersion(_ node: YAMLNode, policy: String?, context: DecodeContext, scope: Scope) -> PolicyVersion? {
        guard let reader = MappingReader(node, allowed: versionFields, context: context, scope: scope, what: "a policy version")
        else { return nil }
        let number = PolicyVersionParsing.positiveInteger(reader, "version", context: context, scope: scope)
        _ = reader.string("description", required: false)
        let modelName = PolicyVersionParsing.modelName(reader, "mlflow_model_name", context: context, scope: scope)
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
            return PolicyVersionParsing.modelVersion(reader, "mlflow_model_version", context: context, scope: scope)
                .map { .registered(version: $0) }
        case (false, true):
            guard let training = reader.name("training") else { return nil }
            context.reference(.training(training), at: reader.mark(of: "training"), scope, field: "training")
            return .training(name: training)
        }
    }
}

/// Parsing helpers shared by the decoders for version numbers, model names and `policy@N`.
enum PolicyVersionParsing {
    static func positiveInteger(_ reader: MappingReader, _ key: String, required: Bool = true, context: DecodeContext, scope: Scope) -> Int? {
        guard let value = reader.integer(key, required: required) else { return nil }
        guard value >= 1 else {
            context.error(at: reader.mark(of: key), scope, field: key, "\(key) must be a positive integer, found \(value)", hint: "use 1 or more")
            return nil
        }
        return value
    }

    /// An MLflow registered model version: a positive integer, written bare or quoted.
    static func modelVersion(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope) -> String? {
        guard let node = reader.optional(key), case .scalar(let scalar) = node.value,
            let number = Int(scalar.text), number >= 1, !scalar.text.hasPrefix("+")
        else {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) must be a registered model version number (1 or more), found '\(reader.rawText(key))'",
                hint: "MLflow numbers model versions 1, 2, 3, …")
            return nil
        }
        return String(number)
    }

    /// An MLflow registered model name: any non-blank text without surrounding spaces.
    static func modelName(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope) -> String? {
        guard let text = reader.string(key) else { return nil }
        guard !text.isEmpty, text == text.trimmed else {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) '\(text)' is blank or has surrounding spaces",
                hint: "write the registered model's name exactly, e.g. planner_model")
            return nil
        }
        return text
    }

    /// A `policy@version` reference, recorded for resolution across files.
    static func reference(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope) -> PolicyVersionRef? {
        guard let text = reader.string(key) else { return nil }
        guard let reference = PolicyVersionRef(parsing: text), ResourceName.isValid(reference.policy) else {
            context.error(
                at: reader.mark(of: key), scope, field: key, "invalid \(key) '\(text)'",
                hint: "write it as policy@version, e.g. planner_policy@1")
            return nil
        }
        context.reference(.policyVersion(reference), at: reader.mark(of: key), scope, field: key)
        return reference
    }
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
