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
            "evaluation": .object([
                "dataset_version": .string(evaluation.datasetVersion),
                "baseline": .string(evaluation.baseline.description),
            ]),
        ]
        inputs["policy"] = policy.map(JSONValue.string) ?? .null
        switch runner {
        case .builtin: inputs["runner"] = .object(["kind": .string("builtin")])
        case .command(let argv): inputs["runner"] = .object(["kind": .string("command"), "argv": .array(argv.map(JSONValue.string))])
        }
        return inputs
    }

    /// SHA-256 (hex) of the canonical text of `jobInputs`.
    public var inputsDigest: String { SHA256.hex(JSONValue.object(jobInputs).canonicalText) }
}
