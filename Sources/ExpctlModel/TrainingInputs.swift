/// What a training job's result depends on, as one canonical JSON object, and its digest: the
/// identity of the job in the ledger (`exp.jobs.inputs_digest`).
///
/// Built from the decoded config, not from its text, so key order, comments, quoting and the
/// spelling of a number (`1.0e-4`, `0.0001`) do not change it, while any value does. The
/// description and the file the training is declared in are not inputs: editing them does not
/// retrain. The name is not an input either: the ledger keys a job by kind, name and digest.
extension TrainingConfig {
    /// Bumped when the meaning of an input changes, so that every job is re-planned.
    public static let inputsSchemaVersion: Int64 = 1

    public var jobInputs: [String: JSONValue] {
        var inputs: [String: JSONValue] = [
            "inputs_version": .integer(Self.inputsSchemaVersion),
            "task": .string(task),
            "model_name": .string(modelName),
            "base_model": .string(baseModel),
            "dataset_version": .string(datasetVersion),
            "learning_rate": .double(learningRate),
            "epochs": .integer(Int64(epochs)),
            "batch_size": .integer(Int64(batchSize)),
            "fine_tuning_method": .string(fineTuningMethod.rawValue),
            "seed": .integer(Int64(seed)),
        ]
        var evaluationInputs: [String: JSONValue] = [
            "dataset_version": .string(evaluation.datasetVersion),
            "baseline": .string(evaluation.baseline.description),
        ]
        // Keys that hold their default are left out, so that adding them kept earlier digests.
        if let command = evaluation.command { evaluationInputs["command"] = command.jobInputs }
        inputs["evaluation"] = .object(evaluationInputs)
        inputs["policy"] = policy.map(JSONValue.string) ?? .null
        switch runner {
        case .builtin: inputs["runner"] = .object(["kind": .string("builtin")])
        case .command(let command):
            guard case .object(var fields) = command.jobInputs else { break }
            fields["kind"] = .string("command")
            inputs["runner"] = .object(fields)
            if let code = codeInputs { inputs["code"] = code }
        }
        if let resources, !resources.isEmpty { inputs["resources"] = resources.jobInputs }
        return inputs
    }

    /// Inputs that say where a job runs, not what it computes: recorded for the runner, left
    /// out of the digest, so changing them does not train again (a recorded job keeps its own).
    public static let placementInputs: Set<String> = ["resources"]

    /// SHA-256 (hex) of the canonical text of `jobInputs`, less the placement inputs.
    public var inputsDigest: String {
        ContentHash.hex(JSONValue.object(jobInputs.filter { !Self.placementInputs.contains($0.key) }).canonicalText)
    }
}

extension TrainingConfig {
    /// `{"path": "blob id", …}` of a command training's code, nil when it has none: in the
    /// training's inputs and in its evaluation's.
    public var codeInputs: JSONValue? {
        guard case .command = runner, !codeFiles.isEmpty else { return nil }
        return .object(codeFiles.mapValues(JSONValue.string))
    }

    /// The code recorded in a job's inputs, checked: a non-empty object of paths to blob ids
    /// (40 hex digits); nil when it is not one.
    public static func codeFiles(fromJobInputs value: JSONValue) -> [String: String]? {
        guard case .object(let files) = value, !files.isEmpty else { return nil }
        var blobs: [String: String] = [:]
        for (path, blob) in files {
            guard case .string(let id) = blob, id.count == 40, id.allSatisfy(\.isHexDigit), !path.isEmpty else {
                return nil
            }
            blobs[path] = id
        }
        return blobs
    }
}

extension CommandSpec {
    /// `{"argv": [...]}`, with `timeout_seconds` only when it is not the default.
    public var jobInputs: JSONValue {
        var fields: [String: JSONValue] = ["argv": .array(argv.map(JSONValue.string))]
        if timeoutSeconds != Self.defaultTimeoutSeconds { fields["timeout_seconds"] = .integer(Int64(timeoutSeconds)) }
        return .object(fields)
    }

    /// The command recorded in a job's inputs; nil when they hold none that is valid.
    public init?(jobInputs: JSONValue?) {
        guard case .object(let fields)? = jobInputs, case .array(let items)? = fields["argv"], !items.isEmpty else {
            return nil
        }
        var argv: [String] = []
        for case .string(let item) in items { argv.append(item) }
        guard argv.count == items.count else { return nil }
        var timeout = Self.defaultTimeoutSeconds
        if let value = fields["timeout_seconds"] {
            guard case .integer(let seconds) = value, seconds > 0, seconds <= Int64(Int32.max) else { return nil }
            timeout = Int(seconds)
        }
        self.init(argv, timeoutSeconds: timeout)
    }
}

extension TrainingConfig {
    /// The training a job's recorded inputs describe, checked as input: a runner trains from the
    /// ledger's row, not from git. `name` is the job's.
    public static func fromJobInputs(
        _ inputs: [String: JSONValue], name: String, origin: SourceLocation
    ) -> Result<TrainingConfig, JobInputsError> {
        func text(_ key: String, in object: [String: JSONValue] = inputs) throws(JobInputsError) -> String {
            guard case .string(let value)? = object[key], !value.isEmpty else { throw JobInputsError(field: key) }
            return value
        }
        func integer(_ key: String) throws(JobInputsError) -> Int {
            guard case .integer(let value)? = inputs[key], value >= 0, value <= Int64(Int32.max) else {
                throw JobInputsError(field: key)
            }
            return Int(value)
        }
        do throws(JobInputsError) {
            guard case .integer(let version)? = inputs["inputs_version"], version == inputsSchemaVersion else {
                throw JobInputsError(field: "inputs_version")
            }
            let rate: Double
            switch inputs["learning_rate"] {
            case .double(let value)?: rate = value
            case .integer(let value)?: rate = Double(value)
            default: throw JobInputsError(field: "learning_rate")
            }
            guard let method = FineTuningMethod(rawValue: try text("fine_tuning_method")) else {
                throw JobInputsError(field: "fine_tuning_method")
            }
            guard case .object(let runnerFields)? = inputs["runner"] else { throw JobInputsError(field: "runner") }
            let runner: TrainingRunner
            switch try text("kind", in: runnerFields) {
            case "builtin": runner = .builtin
            case "command":
                guard let command = CommandSpec(jobInputs: inputs["runner"]) else { throw JobInputsError(field: "runner") }
                runner = .command(command)
            default: throw JobInputsError(field: "runner")
            }
            guard case .object(let evaluationFields)? = inputs["evaluation"] else { throw JobInputsError(field: "evaluation") }
            let baseline: EvaluationBaseline
            switch try text("baseline", in: evaluationFields) {
            case "production": baseline = .production
            case "none": baseline = .none
            case let other:
                guard let number = Int(other), number >= 1 else { throw JobInputsError(field: "evaluation.baseline") }
                baseline = .version(number)
            }
            var command: CommandSpec?
            if let recorded = evaluationFields["command"] {
                guard let spec = CommandSpec(jobInputs: recorded) else { throw JobInputsError(field: "evaluation.command") }
                command = spec
            }
            var codeFiles: [String: String] = [:]
            if let recorded = inputs["code"] {
                guard let files = Self.codeFiles(fromJobInputs: recorded) else { throw JobInputsError(field: "code") }
                codeFiles = files
            }
            var resources: JobResources?
            if let recorded = inputs["resources"] {
                guard let value = JobResources(jobInputs: recorded) else { throw JobInputsError(field: "resources") }
                resources = value
            }
            var policy: String?
            switch inputs["policy"] {
            case .string(let value)?: policy = value
            case .null?, nil: policy = nil
            default: throw JobInputsError(field: "policy")
            }
            let config = TrainingConfig(
                name: name, task: try text("task"), policy: policy, modelName: try text("model_name"),
                baseModel: try text("base_model"), datasetVersion: try text("dataset_version"), learningRate: rate,
                epochs: try integer("epochs"), batchSize: try integer("batch_size"), fineTuningMethod: method,
                seed: try integer("seed"), runner: runner, codeFiles: codeFiles, resources: resources,
                evaluation: EvaluationConfig(
                    datasetVersion: try text("dataset_version", in: evaluationFields), baseline: baseline,
                    command: command),
                origin: origin)
            guard config.jobInputs == inputs else { throw JobInputsError(field: "(extra or respelled fields)") }
            return .success(config)
        } catch {
            return .failure(error)
        }
    }
}
