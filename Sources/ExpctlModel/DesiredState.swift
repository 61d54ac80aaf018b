/// Everything a desired-state tree declares, merged over its files.
public struct DesiredState: Sendable, Hashable {
    public var experiments: [Experiment]
    public var policies: [Policy]
    public var trainings: [TrainingConfig]
    public var datasets: [DatasetConfig]
    public var promotions: [Promotion]
    public var gateProfiles: [GateProfile]

    public init(
        experiments: [Experiment] = [], policies: [Policy] = [], trainings: [TrainingConfig] = [],
        datasets: [DatasetConfig] = [], promotions: [Promotion] = [], gateProfiles: [GateProfile] = []
    ) {
        self.experiments = experiments
        self.policies = policies
        self.trainings = trainings
        self.datasets = datasets
        self.promotions = promotions
        self.gateProfiles = gateProfiles
    }

    /// The gates of profile `name` (`default` when nil); the built-in defaults when the tree
    /// declares no such profile (validation reports names that are neither declared nor `default`).
    public func gates(profile name: String?) -> Gates {
        let wanted = name ?? GateProfile.defaultName
        return gateProfiles.first { $0.name == wanted }?.gates ?? Gates()
    }

    /// The `default` profile's gates.
    public var gates: Gates { gates(profile: nil) }

    /// The gates a training's model is judged by: the training's profile.
    public func gates(for training: TrainingConfig) -> Gates { gates(profile: training.gateProfile) }

    /// How many resources of each kind, for summaries.
    public var counts: ResourceCounts {
        ResourceCounts(
            experiments: experiments.count,
            variants: experiments.reduce(0) { $0 + $1.variants.count },
            policies: policies.count,
            policyVersions: policies.reduce(0) { $0 + $1.versions.count },
            trainings: trainings.count,
            datasets: datasets.count,
            promotions: promotions.count)
    }
}

public struct ResourceCounts: Sendable, Hashable, Codable {
    public var experiments: Int
    public var variants: Int
    public var policies: Int
    public var policyVersions: Int
    public var trainings: Int
    public var datasets: Int
    public var promotions: Int

    public init(
        experiments: Int, variants: Int, policies: Int, policyVersions: Int, trainings: Int, datasets: Int = 0,
        promotions: Int
    ) {
        self.experiments = experiments
        self.variants = variants
        self.policies = policies
        self.policyVersions = policyVersions
        self.trainings = trainings
        self.datasets = datasets
        self.promotions = promotions
    }

    enum CodingKeys: String, CodingKey {
        case experiments, variants, policies
        case policyVersions = "policy_versions"
        case trainings = "training"
        case datasets, promotions
    }
}

/// A resource known by a unique name across the tree: experiments, policies, trainings.
public protocol NamedResource: Sendable {
    var name: String { get }
    /// Where its name is written.
    var origin: SourceLocation { get }
}

extension Experiment: NamedResource {}
extension Policy: NamedResource {}
extension TrainingConfig: NamedResource {}
extension GateProfile: NamedResource {}
