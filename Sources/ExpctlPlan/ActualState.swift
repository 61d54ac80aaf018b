public import ExpctlModel

/// What the database holds of the resources expctl manages, as the planner compares it with
/// the desired state (one part of the `ObservedState`). The PostgreSQL store reads it from the
/// `exp` schema; tests build it directly.
public struct ActualState: Sendable, Hashable {
    public var experiments: [String: ActualExperiment]
    public var policies: [String: ActualPolicy]

    public init(experiments: [String: ActualExperiment] = [:], policies: [String: ActualPolicy] = [:]) {
        self.experiments = experiments
        self.policies = policies
    }

    public static let empty = ActualState()
}

/// Which commit and file a managed row was last written from.
public struct Provenance: Sendable, Hashable, Codable {
    public var commit: String
    public var path: String

    public init(commit: String, path: String) {
        self.commit = commit
        self.path = path
    }
}

public struct ActualPolicy: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String?
    public var versions: [Int: ActualPolicyVersion]
    public var provenance: Provenance?

    public init(
        id: String, name: String, description: String? = nil, versions: [Int: ActualPolicyVersion] = [:],
        provenance: Provenance? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.versions = versions
        self.provenance = provenance
    }
}

public struct ActualPolicyVersion: Sendable, Hashable {
    public var id: String
    public var version: Int
    public var mlflowModelName: String
    /// Set for a registered version, and for a trained one once its training has registered it.
    public var mlflowModelVersion: String?
    /// The training that registers this version's model, when it came from one.
    public var trainingName: String?
    /// The job of `exp.jobs` that registered the model version, for a trained version.
    public var jobID: String?
    public var configDefaults: [String: JSONValue]

    public init(
        id: String, version: Int, mlflowModelName: String, mlflowModelVersion: String?, trainingName: String? = nil,
        jobID: String? = nil, configDefaults: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.version = version
        self.mlflowModelName = mlflowModelName
        self.mlflowModelVersion = mlflowModelVersion
        self.trainingName = trainingName
        self.jobID = jobID
        self.configDefaults = configDefaults
    }
}

public struct ActualExperiment: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String?
    public var unitType: UnitType
    public var status: ExperimentStatus
    public var startsAt: Timestamp?
    public var endsAt: Timestamp?
    public var baseline: String?
    /// `exp.experiments.assignment_salt`; nil hashes with the name.
    public var salt: String?
    /// Set when the experiment left git: it is completed and kept for its assignments and events.
    public var archivedAt: Timestamp?
    public var variants: [String: ActualVariant]
    public var provenance: Provenance?

    public init(
        id: String, name: String, description: String? = nil, unitType: UnitType, status: ExperimentStatus,
        startsAt: Timestamp? = nil, endsAt: Timestamp? = nil, baseline: String? = nil, salt: String? = nil,
        archivedAt: Timestamp? = nil, variants: [String: ActualVariant] = [:], provenance: Provenance? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.unitType = unitType
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.baseline = baseline
        self.salt = salt
        self.archivedAt = archivedAt
        self.variants = variants
        self.provenance = provenance
    }
}

public struct ActualVariant: Sendable, Hashable {
    public var id: String
    public var name: String
    public var allocation: Allocation
    /// The policy version the variant's config points at, as `policy@version` (the store
    /// resolves `config.policy_version_id` through the policy versions it read).
    public var policyVersion: PolicyVersionRef?
    public var params: [String: JSONValue]
    /// The variant's place in git's list (assignment walks variants in this order).
    public var position: Int?
    /// Set when the variant left git: allocation 0, kept for its assignments.
    public var retiredAt: Timestamp?

    public init(
        id: String, name: String, allocation: Allocation, policyVersion: PolicyVersionRef?,
        params: [String: JSONValue] = [:],
        position: Int? = nil, retiredAt: Timestamp? = nil
    ) {
        self.id = id
        self.name = name
        self.allocation = allocation
        self.policyVersion = policyVersion
        self.params = params
        self.position = position
        self.retiredAt = retiredAt
    }
}
