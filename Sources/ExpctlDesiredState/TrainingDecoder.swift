import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `training` per the training-config rules of the source
/// documents: non-blank `base_model` and `dataset_version`, positive `epochs` and `batch_size`,
/// a positive `learning_rate`, and a dataset folder that stays inside the dataset store.
enum TrainingDecoder {
    static let fields = [
        "name", "description", "task", "policy", "model_name", "base_model", "dataset_version", "learning_rate",
        "epochs", "batch_size", "fine_tuning_method", "seed", "runner", "command", "timeout", "evaluation", "gates",
        "code", "resources",
    ]
    static let evaluationFields = ["dataset_version", "baseline", "command", "timeout"]
    /// Placeholders an `evaluation.command` may use.
    static let evaluationPlaceholders = [
        "rows_file", "predictions_file", "model_dir", "model_uri", "model_name", "model_version", "dataset_dir",
        "dataset_version", "tracking_uri", "seed", "training_name",
    ]
    /// Placeholders a `command` may use; the runner fills them in.
    static let commandPlaceholders = [
        "dataset_dir", "dataset_version", "output_dir", "model_name", "base_model", "learning_rate", "epochs",
        "batch_size", "fine_tuning_method", "seed", "tracking_uri", "run_id", "training_name",
    ]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> TrainingConfig? {
        let scope = Scope(resource: Scope.resourceLabel("training", node, index: index))
        guard
            let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "a training config")
        else { return nil }
        let name = reader.name("name")
        if let name { context.declarations.trainings.insert(name) }
        _ = reader.string("description", required: false)
        let task = reader.name("task")
        let policy = reader.name("policy", required: false)
        if let policy { context.reference(.policy(policy), at: reader.mark(of: "policy"), scope, field: "policy") }
        let modelName = reader.modelName("model_name")
        if let modelName { context.declarations.models.insert(modelName) }
        let baseModel = nonBlank(reader, "base_model", context: context, scope: scope)
        let datasetVersion = datasetFolder(reader, "dataset_version", context: context, scope: scope)
        let learningRate = positiveNumber(reader, "learning_rate", context: context, scope: scope)
        let epochs = reader.positiveInteger("epochs")
        let batchSize = reader.positiveInteger("batch_size")
        let method = reader.enumeration("fine_tuning_method", FineTuningMethod.self)
        let seed = reader.integer("seed", required: false)
        if let seed, seed < 0 {
            context.error(at: reader.mark(of: "seed"), scope, field: "seed", "seed must be 0 or more, found \(seed)")
        }
        let gateProfile = reader.gateProfile(scope)
        let runner = decodeRunner(reader, context: context, scope: scope)
        let evaluation = decodeEvaluation(reader, trainingDataset: datasetVersion, context: context, scope: scope)
        // An invalid runner fails the training anyway: do not also call its code misplaced.
        var isCommand = runner == nil
        if case .command? = runner { isCommand = true }
        let code = TrainingPlacementDecoder.code(reader, isCommand: isCommand, context: context, scope: scope)
        let resources = TrainingPlacementDecoder.resources(reader, isCommand: isCommand, context: context, scope: scope)
        if case .command? = runner, let evaluation, evaluation.command == nil {
            context.error(
                at: reader.mark(of: "runner"), scope, field: "evaluation.command",
                "a command training needs evaluation.command: expctl scores the plans the team's model predicts",
                hint: "add `evaluation: { command: [python3, predict.py, --rows, \"{rows_file}\", "
                    + "--out, \"{predictions_file}\", --model, \"{model_dir}\"] }`")
            return nil
        }
        if case .builtin? = runner, evaluation?.command != nil {
            context.error(
                at: reader.mark(of: "evaluation"), scope, field: "evaluation.command",
                "evaluation.command is set but the runner is builtin, which expctl evaluates itself",
                hint: "remove evaluation.command, or use `runner: command` with the team's own training program")
            return nil
        }

        guard let name, let task, let modelName, let baseModel, let datasetVersion, let learningRate, let epochs,
            let batchSize, let runner, let evaluation, let code, let resources, (seed ?? 0) >= 0,
            reader.optional("fine_tuning_method") == nil || method != nil
        else { return nil }
        return TrainingConfig(
            name: name, task: task, policy: policy, modelName: modelName, baseModel: baseModel,
            datasetVersion: datasetVersion, learningRate: learningRate, epochs: epochs, batchSize: batchSize,
            fineTuningMethod: method ?? .lora, seed: seed ?? 0, runner: runner, code: code, resources: resources,
            evaluation: evaluation,
            gateProfile: gateProfile, origin: context.location(reader.mark(of: "name")))
    }

    private static func nonBlank(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope)
        -> String?
    {
        guard let text = reader.string(key) else { return nil }
        let trimmed = text.trimmed
        guard !trimmed.isEmpty else {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) is blank",
                hint: "name the \(key.replacingUnderscores), e.g. llama-3-8b")
            return nil
        }
        return trimmed
    }

    /// A folder of the dataset store: relative, no `..`, not blank.
    static func datasetFolder(
        _ reader: MappingReader, _ key: String, required: Bool = true, context: DecodeContext, scope: Scope
    ) -> String? {
        guard let text = reader.string(key, required: required) else { return nil }
        let trimmed = text.trimmed
        let components = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if trimmed.isEmpty {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) is blank",
                hint: "name a folder of the dataset store, e.g. planner/2025-01-10")
        } else if trimmed.hasPrefix("/") || trimmed.hasPrefix("~") || trimmed.contains("\\") {
            context.error(
                at: reader.mark(of: key), scope, field: key,
                "\(key) '\(text)' is not a relative folder of the dataset store",
                hint: "write the folder relative to the dataset store's root, e.g. planner/2025-01-10")
        } else if components.contains("..") || components.contains("") || components.contains(".") {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) '\(text)' must stay inside the dataset store",
                hint: "remove '..', '.' and empty path components, e.g. planner/2025-01-10")
        } else {
            return trimmed
        }
        return nil
    }

    private static func positiveNumber(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope)
        -> Double?
    {
        guard let value = reader.number(key) else { return nil }
        guard value > 0 else {
            context.error(
                at: reader.mark(of: key), scope, field: key,
                "\(key) must be greater than 0, found \(reader.rawText(key))", hint: "e.g. 1.0e-4")
            return nil
        }
        return value
    }

    /// `runner: command` goes with `command`, and only with it.
    private static func decodeRunner(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> TrainingRunner? {
        let kind = reader.string("runner", required: false)
        let commandNode = reader.optional("command")
        switch kind {
        case nil, "builtin":
            if let timeout = reader.optional("timeout") {
                context.error(
                    at: timeout.mark, scope, field: "timeout", "timeout is set but the runner is builtin",
                    hint: "remove timeout: it bounds a `runner: command` program")
                return nil
            }
            if let commandNode {
                context.error(
                    at: commandNode.mark, scope, field: "command", "command is set but the runner is builtin",
                    hint: "add `runner: command` to run this command, or remove `command` to use the builtin trainer")
                return nil
            }
            return .builtin
        case "command":
            guard commandNode != nil else {
                context.error(
                    at: reader.mark(of: "runner"), scope, field: "runner", "runner is command but no command is given",
                    hint: "add `command: [python3, train.py, --dataset, \"{dataset_dir}\"]`, or use `runner: builtin`")
                return nil
            }
            guard let argv = decodeCommand(reader, placeholders: commandPlaceholders, context: context, scope: scope),
                let timeout = timeoutSeconds(reader, context: context, scope: scope)
            else { return nil }
            return .command(CommandSpec(argv, timeoutSeconds: timeout))
        case let other?:
            context.error(
                at: reader.mark(of: "runner"), scope, field: "runner", "invalid runner '\(other)'",
                hint: Suggestions.closest(to: other, among: ["builtin", "command"]).map { "did you mean `\($0)`?" }
                    ?? "expected builtin or command")
            return nil
        }
    }

    /// `timeout` in whole seconds (default 6 hours), positive.
    private static func timeoutSeconds(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> Int? {
        guard reader.optional("timeout") != nil else { return CommandSpec.defaultTimeoutSeconds }
        guard let seconds = reader.positiveInteger("timeout") else { return nil }
        return seconds
    }

    /// A non-empty argv of strings whose `{placeholders}` are known.
    private static func decodeCommand(
        _ reader: MappingReader, placeholders known: [String], context: DecodeContext, scope: Scope
    ) -> [String]? {
        guard let items = reader.sequence("command") else { return nil }
        guard !items.isEmpty else {
            context.error(
                at: reader.mark(of: "command"), scope, field: "command", "command is empty",
                hint: "give the program and its arguments as a list")
            return nil
        }
        var argv: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard case .scalar(let scalar) = item.value, !item.isNull else {
                context.error(
                    at: item.mark, scope, field: "command[\(index)]",
                    "expected a string, found \(item.value.kindDescription)")
                valid = false
                continue
            }
            for placeholder in placeholders(in: scalar.text) where !known.contains(placeholder) {
                context.error(
                    at: item.mark, scope, field: "command[\(index)]", "unknown placeholder '{\(placeholder)}'",
                    hint: Suggestions.hint(for: placeholder, among: known, noun: "the placeholders"))
                valid = false
            }
            argv.append(scalar.text)
        }
        return valid ? argv : nil
    }

    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    private static func decodeEvaluation(
        _ reader: MappingReader, trainingDataset: String?, context: DecodeContext, scope: Scope
    ) -> EvaluationConfig? {
        guard let node = reader.optional("evaluation") else {
            return trainingDataset.map { EvaluationConfig(datasetVersion: $0) }
        }
        let evaluationScope = scope.nested("evaluation")
        guard
            let evaluation = MappingReader(
                node, allowed: evaluationFields, context: context, scope: evaluationScope, what: "an evaluation")
        else { return nil }
        let dataset =
            evaluation.optional("dataset_version") == nil
            ? trainingDataset
            : datasetFolder(evaluation, "dataset_version", required: false, context: context, scope: evaluationScope)
        var baseline: EvaluationBaseline? = .production
        if let baselineNode = evaluation.optional("baseline"), case .scalar(let scalar) = baselineNode.value {
            switch scalar.text {
            case "production": baseline = .production
            case "none": baseline = EvaluationBaseline.none
            default:
                if let number = Int(scalar.text), number >= 1 {
                    baseline = .version(number)
                } else {
                    context.error(
                        at: baselineNode.mark, evaluationScope, field: "baseline", "invalid baseline '\(scalar.text)'",
                        hint: "use production, none, or a registered model version number")
                    baseline = nil
                }
            }
        } else if let baselineNode = evaluation.optional("baseline") {
            context.error(
                at: baselineNode.mark, evaluationScope, field: "baseline",
                "expected production, none or a version number, found \(baselineNode.value.kindDescription)")
            baseline = nil
        }
        var command: CommandSpec?
        if evaluation.optional("command") != nil {
            guard
                let argv = decodeCommand(
                    evaluation, placeholders: evaluationPlaceholders, context: context, scope: evaluationScope),
                let timeout = timeoutSeconds(evaluation, context: context, scope: evaluationScope)
            else { return nil }
            command = CommandSpec(argv, timeoutSeconds: timeout)
        } else if let timeout = evaluation.optional("timeout") {
            context.error(
                at: timeout.mark, evaluationScope, field: "timeout", "timeout is set without a command",
                hint: "add evaluation.command, or remove timeout")
            return nil
        }
        guard let dataset, let baseline else { return nil }
        return EvaluationConfig(datasetVersion: dataset, baseline: baseline, command: command)
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
