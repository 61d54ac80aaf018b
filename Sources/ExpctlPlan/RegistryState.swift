public import ExpctlModel

/// What the MLflow model registry holds of the models git names, as the planner compares it.
/// The MLflow client reads it; tests build it directly.
public struct RegistryState: Sendable, Hashable {
    public var models: [String: RegisteredModelState]

    public init(models: [String: RegisteredModelState] = [:]) { self.models = models }

    public static let empty = RegistryState()
}

public struct RegisteredModelState: Sendable, Hashable {
    public var name: String
    public var versions: [String: ModelVersionState]
    /// Alias → version number.
    public var aliases: [String: String]

    public init(name: String, versions: [String: ModelVersionState] = [:], aliases: [String: String] = [:]) {
        self.name = name
        self.versions = versions
        self.aliases = aliases
    }
}

public struct ModelVersionState: Sendable, Hashable {
    public var version: String
    /// `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
    public var status: String
    public var tags: [String: String]

    public init(version: String, status: String = "READY", tags: [String: String] = [:]) {
        self.version = version
        self.status = status
        self.tags = tags
    }

    public var isReady: Bool { status == "READY" }
    /// The registry stage expctl keeps in the `stage` tag (MLflow's own stages are deprecated).
    public var stage: ModelStage? { tags[RegistryTags.stage].flatMap(ModelStage.init(rawValue:)) }
}

/// The tags and aliases expctl manages in the registry; any other tag or alias is left alone.
public enum RegistryTags {
    public static let stage = "stage"
    /// Lineage: the commit and file of the promotion that set the stage.
    public static let commit = "expctl.commit"
    public static let path = "expctl.path"
    /// The stage expctl last wrote: a `stage` tag that differs from it was changed by hand.
    public static let appliedStage = "expctl.stage"
    /// On a version a training registered: the training's name, for people and searches.
    public static let training = "expctl.training"
    /// On a version a training registered: the id of its job in `exp.jobs`. A promotion of
    /// `training: NAME` resolves to the version the job recorded, and only if it carries this
    /// tag with that job's id, so a version registered by hand with the training's tag never counts.
    public static let job = "expctl.job"
    /// The offline gate's verdict on a trained version: `pass`, or `fail: ` and the criteria it
    /// missed.
    public static let offlineGate = "expctl.offline_gate"
    /// `true` on a version that has been in production: moving it back is a rollback, which
    /// needs no gate.
    public static let wasProduction = "expctl.was_production"
    /// The aliases that follow the stages, so that `models:/planner_model@production` loads
    /// the production version.
    public static let managedAliases: [ModelStage: String] = [.production: "production", .candidate: "candidate"]
}
