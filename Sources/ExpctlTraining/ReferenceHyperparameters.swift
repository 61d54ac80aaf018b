public import ExpctlModel

/// The reference model's hyperparameters. The first four come from the training declaration;
/// the others have defaults that suit the planner data.
public struct ReferenceHyperparameters: Sendable, Hashable {
    /// Step size of mini-batch SGD on the mean negative log-likelihood per accepted meal.
    /// Rates around 0.5–5 suit this model (an LLM's 1e-4 barely moves it from popularity).
    public var learningRate: Double
    public var epochs: Int
    /// Rows per SGD step.
    public var batchSize: Int
    /// Seeds the shuffle of the training rows before each epoch.
    public var seed: UInt64
    /// L2 penalty on the parameters of the keys a batch touches.
    public var l2: Double
    /// A key seen in fewer training rows is left out of the model: its rows back off to coarser keys.
    public var minKeyCount: Int
    /// The policy adds this times a recipe's pantry share to its logit when ranking.
    public var pantryBonus: Double
    /// Additive smoothing of the global popularity the model starts from.
    public var popularitySmoothing: Double

    public init(
        learningRate: Double = 0.5, epochs: Int = 5, batchSize: Int = 32, seed: UInt64 = 0, l2: Double = 1e-4,
        minKeyCount: Int = 5, pantryBonus: Double = 0.5, popularitySmoothing: Double = 1.0
    ) {
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.l2 = l2
        self.minKeyCount = minKeyCount
        self.pantryBonus = pantryBonus
        self.popularitySmoothing = popularitySmoothing
    }

    /// The declared learning rate, epochs, batch size and seed, with the other defaults.
    public init(_ config: TrainingConfig) {
        self.init(
            learningRate: config.learningRate, epochs: config.epochs, batchSize: config.batchSize,
            seed: UInt64(bitPattern: Int64(config.seed)))
    }

    public var json: [String: JSONValue] {
        [
            "learning_rate": .double(learningRate), "epochs": .integer(Int64(epochs)),
            "batch_size": .integer(Int64(batchSize)), "seed": .integer(Int64(bitPattern: seed)), "l2": .double(l2),
            "min_key_count": .integer(Int64(minKeyCount)), "pantry_bonus": .double(pantryBonus),
            "popularity_smoothing": .double(popularitySmoothing),
        ]
    }

    init(json: [String: JSONValue]) throws(ModelLoadingError) {
        func number(_ key: String) throws(ModelLoadingError) -> Double {
            switch json[key] {
            case .double(let value): return value
            case .integer(let value): return Double(value)
            default: throw ModelLoadingError(artifact: "model", problem: "hyperparameters.\(key) is not a number")
            }
        }
        func integer(_ key: String) throws(ModelLoadingError) -> Int64 {
            guard case .integer(let value) = json[key] else {
                throw ModelLoadingError(artifact: "model", problem: "hyperparameters.\(key) is not an integer")
            }
            return value
        }
        self.init(
            learningRate: try number("learning_rate"), epochs: Int(try integer("epochs")),
            batchSize: Int(try integer("batch_size")), seed: UInt64(bitPattern: try integer("seed")),
            l2: try number("l2"), minKeyCount: Int(try integer("min_key_count")),
            pantryBonus: try number("pantry_bonus"), popularitySmoothing: try number("popularity_smoothing"))
    }
}

/// What the builtin runner trains: a base model name and a dataset version for the record,
/// and the hyperparameters.
public struct ReferenceTrainingConfig: Sendable, Hashable {
    /// The builtin model has no pretrained base; the declared `base_model` is recorded as given.
    public var baseModel: String
    public var datasetVersion: String
    public var hyperparameters: ReferenceHyperparameters

    public init(baseModel: String, datasetVersion: String, hyperparameters: ReferenceHyperparameters) {
        self.baseModel = baseModel
        self.datasetVersion = datasetVersion
        self.hyperparameters = hyperparameters
    }

    public init(_ config: TrainingConfig) {
        self.init(
            baseModel: config.baseModel, datasetVersion: config.datasetVersion,
            hyperparameters: ReferenceHyperparameters(config))
    }

    /// The `config` artifact and metadata's `training_config`: every field, flat.
    public var json: JSONValue {
        var fields = hyperparameters.json
        fields["runner"] = .string("builtin")
        fields["model_format"] = .string(ReferenceModel.format)
        fields["base_model"] = .string(baseModel)
        fields["dataset_version"] = .string(datasetVersion)
        return .object(fields)
    }
}

/// A `model` or `tokenizer` artifact that does not hold a reference model.
public struct ModelLoadingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var artifact: String
    public var problem: String

    public init(artifact: String, problem: String) {
        self.artifact = artifact
        self.problem = problem
    }

    public var description: String { "\(artifact) artifact: \(problem)" }
}
