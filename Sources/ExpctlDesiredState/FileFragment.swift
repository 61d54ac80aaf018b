public import ExpctlModel

/// What one file declares, decoded on its own: the unit the loader caches by blob id.
///
/// Problems that one file shows by itself are found while decoding; references to other
/// resources are collected and resolved later across all files (see `CrossFileValidator`).
///
/// A class: the loader's cache and each load's list share one instance per file, and
/// handing over a reference is much cheaper than copying a dozen fields for every one of
/// thousands of files. Only `FileDecoder` sets its fields, before returning it.
public final class FileFragment: Sendable {
    public let path: String
    public let experiments: [Experiment]
    public let policies: [Policy]
    public let trainings: [TrainingConfig]
    public let datasets: [DatasetConfig]
    public let promotions: [Promotion]
    /// The gate profiles it declares (`gates` as a mapping is the `default` profile).
    public let gateProfiles: [GateProfile]
    public let references: [Reference]
    /// Names of experiments, policies and trainings that failed to decode, so that a second
    /// definition of the name is still reported.
    public let undecodedNames: [DeclaredName]
    /// The names this file declares, including those of resources that failed to decode, so
    /// that references to them do not cascade into further errors.
    public let declarations: Declarations
    public let diagnostics: [Diagnostic]

    init(
        path: String, experiments: [Experiment] = [], policies: [Policy] = [], trainings: [TrainingConfig] = [],
        datasets: [DatasetConfig] = [], promotions: [Promotion] = [], gateProfiles: [GateProfile] = [],
        references: [Reference] = [], undecodedNames: [DeclaredName] = [], declarations: Declarations = Declarations(),
        diagnostics: [Diagnostic] = []
    ) {
        self.path = path
        self.experiments = experiments
        self.policies = policies
        self.trainings = trainings
        self.datasets = datasets
        self.promotions = promotions
        self.gateProfiles = gateProfiles
        self.references = references
        self.undecodedNames = undecodedNames
        self.declarations = declarations
        self.diagnostics = diagnostics
    }
}

/// The name of a resource, where it is written.
public struct DeclaredName: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var location: SourceLocation
}

/// Names declared anywhere in the tree, for resolving references.
public struct Declarations: Sendable {
    public var policies: Set<String> = []
    /// Version numbers declared per policy, in declaration order.
    public var policyVersions: [String: [Int]] = [:]
    public var trainings: Set<String> = []
    /// Dataset versions (folders of the dataset store) declared under `datasets`.
    public var datasets: Set<String> = []
    /// MLflow registered models named by a policy version or a training.
    public var models: Set<String> = []
    /// Gate profiles, including those that failed to decode.
    public var gateProfiles: Set<String> = []

    public init() {}

    var isEmpty: Bool {
        policies.isEmpty && trainings.isEmpty && datasets.isEmpty && models.isEmpty && policyVersions.isEmpty
            && gateProfiles.isEmpty
    }

    mutating func merge(_ other: Declarations) {
        policies.formUnion(other.policies)
        for (policy, versions) in other.policyVersions { policyVersions[policy, default: []] += versions }
        trainings.formUnion(other.trainings)
        datasets.formUnion(other.datasets)
        models.formUnion(other.models)
        gateProfiles.formUnion(other.gateProfiles)
    }
}

/// A use of one resource by another, to be resolved once every file is read.
public struct Reference: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case policyVersion(PolicyVersionRef)
        case training(String)
        case policy(String)
        case model(String)
        case gateProfile(String)
    }

    public var target: Target
    public var location: SourceLocation
    public var resource: String
    public var field: String
}
