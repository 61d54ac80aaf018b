public import ExpctlModel

/// A trained reference model with what the runner logs about it.
public struct TrainingResult: Sendable {
    public let model: ReferenceModel
    public let config: ReferenceTrainingConfig
    /// Epoch 0 (global popularity, before any step), then one entry per epoch.
    public let history: [EpochLosses]
    /// Rows with split `train`, which the model learned from.
    public let trainingSamples: Int
    public let validationSamples: Int
    /// Accepted meals the losses leave out (recipe unknown to the catalogue or not admissible).
    public let skippedMeals: Int

    /// The `model`, `tokenizer` and `config` artifacts.
    public var artifacts: ModelArtifacts {
        var artifacts = model.artifacts
        artifacts.config = Array(config.json.prettyText.utf8)
        return artifacts
    }

    /// `metadata.json`: the model version (the caller's), base model, dataset version, the full
    /// training config and the number of training samples.
    public func metadata(modelVersion: String) -> JSONValue {
        .object([
            "model_version": .string(modelVersion),
            "base_model": .string(config.baseModel),
            "dataset_version": .string(config.datasetVersion),
            "training_config": config.json,
            "num_training_samples": .integer(Int64(trainingSamples)),
            "num_validation_samples": .integer(Int64(validationSamples)),
            "model_format": .string(ReferenceModel.format),
        ])
    }
}

/// The artifacts of a model, as the bytes the runner uploads (`model/model.json`,
/// `model/tokenizer.json`, `model/config.json`): canonical JSON, so equal models give equal bytes.
public struct ModelArtifacts: Sendable, Hashable {
    public var model: [UInt8]
    public var tokenizer: [UInt8]
    public var config: [UInt8]

    public init(model: [UInt8], tokenizer: [UInt8], config: [UInt8]) {
        self.model = model
        self.tokenizer = tokenizer
        self.config = config
    }
}
