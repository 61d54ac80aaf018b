public import ExpctlModel
public import ExpctlStatistics

/// One variant of a running experiment as the online gate reads it, computed in PostgreSQL
/// from `exp.assignments` and `exp.events`: per-unit values first (each unit's numerator and
/// denominator of every metric), then per variant their sums, so the reads can come from
/// per-unit aggregates at scale.
public struct OnlineVariantData: Sendable, Hashable {
    public var variant: String
    /// Units assigned to the variant.
    public var units: Int
    /// Units assigned since the experiment's allocations last changed: the sample-ratio check
    /// compares these with the current allocations.
    public var unitsThisPhase: Int
    /// Units assigned in the last 24 hours, for the time a waiting gate still needs.
    public var unitsLastDay: Int
    /// Per metric (`plan_acceptance_rate`), the per-unit sums of its ratio (docs/gates.md).
    public var metrics: [String: RatioSums]

    public init(
        variant: String, units: Int, unitsThisPhase: Int, unitsLastDay: Int, metrics: [String: RatioSums]
    ) {
        self.variant = variant
        self.units = units
        self.unitsThisPhase = unitsThisPhase
        self.unitsLastDay = unitsLastDay
        self.metrics = metrics
    }
}

/// A running experiment's online data, every live variant's.
public struct OnlineExperimentData: Sendable, Hashable {
    public var experiment: String
    public var variants: [String: OnlineVariantData]

    public init(experiment: String, variants: [String: OnlineVariantData]) {
        self.experiment = experiment
        self.variants = variants
    }
}

/// What the gate needs to judge one variant against the baseline.
public struct OnlineComparison: Sendable, Hashable {
    public var experiment: String
    public var candidate: String
    public var baseline: String
    /// Every live variant's current allocation, in declared order (the sample-ratio check).
    public var allocations: [NamedAllocation]
    public var data: OnlineExperimentData
    /// The model version the candidate variant serves, for the record.
    public var identity: GateIdentity
    /// The metrics' always-valid states as the last recorded decision left them.
    public var previous: [String: AlwaysValidState]

    public init(
        experiment: String, candidate: String, baseline: String, allocations: [NamedAllocation],
        data: OnlineExperimentData, identity: GateIdentity, previous: [String: AlwaysValidState] = [:]
    ) {
        self.experiment = experiment
        self.candidate = candidate
        self.baseline = baseline
        self.allocations = allocations
        self.data = data
        self.identity = identity
        self.previous = previous
    }

    /// `planner_policy_exp/leftovers_v2`: the online gate's subject.
    public var subject: String { "\(experiment)/\(candidate)" }
}

/// A variant's share of the buckets.
public struct NamedAllocation: Sendable, Hashable {
    public var name: String
    public var allocation: Allocation

    public init(name: String, allocation: Allocation) {
        self.name = name
        self.allocation = allocation
    }
}
