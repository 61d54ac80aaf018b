/// A training or fine-tuning job: the dataset, base model and hyperparameters that produce a
/// model version, and how that version is evaluated offline.
public struct TrainingConfig: Sendable, Hashable {
    public var name: String
    public var task: String
    /// The policy whose versions this training feeds, if any.
    public var policy: String?
    /// The MLflow registered model the run registers into.
    public var modelName: String
    public var baseModel: String
    /// A folder of the dataset store, relative to its root (e.g. `planner/2025-01-10`).
    public var datasetVersion: String
    public var learningRate: Double
    public var epochs: Int
    public var batchSize: Int
    public var fineTuningMethod: FineTuningMethod
    public var seed: Int
    public var runner: TrainingRunner
    /// For a command training: the repository paths (files or folders) of its code, packed at
    /// the commit and run as the job's working directory; the training file's folder unless given.
    public var code: [String]
    /// The blob id (hex) of every file of `code` at the commit, by path: part of the job's
    /// identity, so changing the training's code retrains. Filled by the git source.
    public var codeFiles: [String: String]
    /// What the job asks of a cluster; nil: the executor's defaults.
    public var resources: JobResources?
    public var evaluation: EvaluationConfig
    /// The gate profile its model is judged by; nil for `default`.
    public var gateProfile: String?
    public var origin: SourceLocation

    public init(
        name: String, task: String, policy: String? = nil, modelName: String, baseModel: String,
        datasetVersion: String, learningRate: Double, epochs: Int, batchSize: Int,
        fineTuningMethod: FineTuningMethod = .lora, seed: Int = 0, runner: TrainingRunner = .builtin,
        code: [String] = [], codeFiles: [String: String] = [:], resources: JobResources? = nil,
        evaluation: EvaluationConfig, gateProfile: String? = nil, origin: SourceLocation
    ) {
        self.name = name
        self.task = task
        self.policy = policy
        self.modelName = modelName
        self.baseModel = baseModel
        self.datasetVersion = datasetVersion
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.fineTuningMethod = fineTuningMethod
        self.seed = seed
        self.runner = runner
        self.code = code
        self.codeFiles = codeFiles
        self.resources = resources
        self.evaluation = evaluation
        self.gateProfile = gateProfile
        self.origin = origin
    }
}

public enum FineTuningMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case lora
    case qlora
    case full
}

/// Who runs the training: expctl's builtin reference trainer, or the team's own command.
public enum TrainingRunner: Sendable, Hashable {
    case builtin
    case command(CommandSpec)
}

/// A team's program: its argv (never run through a shell), whose `{dataset_dir}`-style
/// placeholders are filled in at run time, and how long it may run.
public struct CommandSpec: Sendable, Hashable {
    public static let defaultTimeoutSeconds = 6 * 3600

    public var argv: [String]
    public var timeoutSeconds: Int

    public init(_ argv: [String], timeoutSeconds: Int = CommandSpec.defaultTimeoutSeconds) {
        self.argv = argv
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct EvaluationConfig: Sendable, Hashable {
    /// The dataset the offline replay runs on; the training dataset unless given.
    public var datasetVersion: String
    public var baseline: EvaluationBaseline
    /// For a `command` training: the program that reads the evaluation rows and writes one
    /// predicted plan per row, which expctl scores. Nil for the builtin model.
    public var command: CommandSpec?

    public init(datasetVersion: String, baseline: EvaluationBaseline = .production, command: CommandSpec? = nil) {
        self.datasetVersion = datasetVersion
        self.baseline = baseline
        self.command = command
    }
}

/// What the offline score of a new model version is compared against.
public enum EvaluationBaseline: Sendable, Hashable, CustomStringConvertible {
    /// The model's current production version.
    case production
    /// No comparison: the absolute gate thresholds only.
    case none
    /// A given registered version of the same model.
    case version(Int)

    public var description: String {
        switch self {
        case .production: "production"
        case .none: "none"
        case .version(let number): String(number)
        }
    }
}
