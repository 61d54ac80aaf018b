public import ExpctlModel

/// What one file declares, decoded on its own: the unit the loader caches by blob id.
///
/// Problems that one file shows by itself are found while decoding; references to other
/// resources are collected and resolved later across all files (see `CrossFileValidator`).
public struct FileFragment: Sendable {
    public var path: String
    public var experiments: [Experiment] = []
    public var policies: [Policy] = []
    public var trainings: [TrainingConfig] = []
    public var promotions: [Promotion] = []
    /// Where this file declares `gates`, also when they are invalid (and `gates` is nil).
    public var gatesLocation: SourceLocation?
    public var gates: Gates?
    public var references: [Reference] = []
    /// Names of experiments, policies and trainings that failed to decode, so that a second
    /// definition of the name is still reported.
    public var undecodedNames: [DeclaredName] = []
    /// The names this file declares, including those of resources that failed to decode, so
    /// that references to them do not cascade into further errors.
    public var declarations = Declarations()
    public var diagnostics: [Diagnostic] = []

    public init(path: String) { self.path = path }
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
    /// MLflow registered models named by a policy version or a training.
    public var models: Set<String> = []

    public init() {}

    var isEmpty: Bool { policies.isEmpty && trainings.isEmpty && models.isEmpty && policyVersions.isEmpty }

    mutating func merge(_ other: Declarations) {
        policies.formUnion(other.policies)
        for (policy, versions) in other.policyVersions { policyVersions[policy, default: []] += versions }
        trainings.formUnion(other.trainings)
        models.formUnion(other.models)
    }
}

/// A use of one resource by another, to be resolved once every file is read.
public struct Reference: Sendable, Hashable {
    public enum Target: Sendable, Hashable {
        case policyVersion(PolicyVersionRef)
        case training(String)
        case policy(String)
        case model(String)
    }

    public var target: Target
    public var location: SourceLocation
    public var resource: String
    public var field: String
}
