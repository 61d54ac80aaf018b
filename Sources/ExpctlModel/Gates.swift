/// A named set of gate thresholds. Teams with several models give each its own (`gates:` as a
/// list); a training or an experiment picks one by name, and `default` applies otherwise.
public struct GateProfile: Sendable, Hashable {
    public static let defaultName = "default"

    public var name: String
    public var gates: Gates
    public var origin: SourceLocation

    public init(name: String, gates: Gates, origin: SourceLocation) {
        self.name = name
        self.gates = gates
        self.origin = origin
    }
}

/// The thresholds a model-dependent change must pass. Defaults hold where the desired state
/// leaves a field out.
public struct Gates: Sendable, Hashable {
    public var offline: OfflineGates
    public var online: OnlineGates
    /// Where the profile was declared; nil when the built-in defaults are in force.
    public var origin: SourceLocation?

    public init(
        offline: OfflineGates = OfflineGates(), online: OnlineGates = OnlineGates(), origin: SourceLocation? = nil
    ) {
        self.offline = offline
        self.online = online
        self.origin = origin
    }
}

/// Offline replay gates: the candidate's score against the baseline's, with a paired test.
public struct OfflineGates: Sendable, Hashable {
    /// The four offline replay metrics of the source documents, and their default weights.
    public static let defaultWeights: [String: Double] = [
        "plan_alignment_score": 0.4,
        "meal_diversity_score": 0.2,
        "leftovers_utility_score": 0.2,
        "constraint_respect_score": 0.2,
    ]

    /// The per-row metrics that must not degrade significantly against the baseline ("stable or
    /// improved", 002 §10): alignment, user edits, cost/latency, diversity and leftovers.
    public static let defaultDegradationMetrics = [
        "plan_alignment_score", "edit_distance_score", "cost_latency_score", "meal_diversity_score",
        "leftovers_utility_score",
    ]

    /// Every per-row score of the offline replay (docs/evaluation.md).
    public static let replayMetrics = [
        "plan_alignment_score", "meal_diversity_score", "leftovers_utility_score", "constraint_respect_score",
        "edit_distance_score", "cost_latency_score",
    ]

    /// Candidate offline score minus baseline score must be at least this.
    public var minScoreDelta: Double
    /// Share of replayed rows with no constraint violation; 1.0 means none allowed.
    public var minConstraintRespect: Double
    /// Significance level of the paired test for degradation.
    public var alpha: Double
    /// Weights of the offline metrics in the combined score; they sum to 1.
    public var weights: [String: Double]
    /// Metrics checked by the one-sided paired test for degradation.
    public var degradationMetrics: [String]
    /// A drop in a metric's mean smaller than this is not a degradation (δ of the paired test).
    public var degradationMargin: Double

    public init(
        minScoreDelta: Double = 0, minConstraintRespect: Double = 1, alpha: Double = 0.05,
        weights: [String: Double] = OfflineGates.defaultWeights,
        degradationMetrics: [String] = OfflineGates.defaultDegradationMetrics, degradationMargin: Double = 0
    ) {
        self.minScoreDelta = minScoreDelta
        self.minConstraintRespect = minConstraintRespect
        self.alpha = alpha
        self.weights = weights
        self.degradationMetrics = degradationMetrics
        self.degradationMargin = degradationMargin
    }
}

/// Online experiment gates: how much traffic an unproven version may get, which metrics the
/// sequential tests watch, and how.
public struct OnlineGates: Sendable, Hashable {
    /// The seeds' online metrics (000 "Monitor", 002 §11.3): acceptance must improve; edits,
    /// validator interventions, latency and cost are guardrails that may not regress past
    /// their margin.
    public static let defaultMetrics: [OnlineMetric] = [
        OnlineMetric(name: "plan_acceptance_rate", direction: .increase),
        OnlineMetric(name: "edit_count", direction: .decrease, maxRegression: 0.10),
        OnlineMetric(name: "validator_intervention_rate", direction: .decrease, maxRegression: 0.10),
        OnlineMetric(name: "latency_ms", direction: .decrease, maxRegression: 0.05),
        OnlineMetric(name: "cost_usd", direction: .decrease, maxRegression: 0.05),
    ]

    /// The metrics the online gate can compute from `exp.events` (docs/gates.md defines them).
    public static let knownMetrics = [
        "plan_acceptance_rate", "edit_count", "validator_intervention_rate", "latency_ms", "cost_usd",
    ]

    public var maxInitialAllocation: Allocation
    public var minUnitsPerVariant: Int
    public var alpha: Double
    public var metrics: [OnlineMetric]
    public var method: SequentialMethod
    /// The p-value below which a sample-ratio mismatch blocks the gate.
    public var srmThreshold: Double

    public init(
        maxInitialAllocation: Allocation = Allocation(buckets: 1_000), minUnitsPerVariant: Int = 1_000,
        alpha: Double = 0.05, metrics: [OnlineMetric] = OnlineGates.defaultMetrics,
        method: SequentialMethod = .confidenceSequence(tuningUnits: 5_000), srmThreshold: Double = 0.001
    ) {
        self.maxInitialAllocation = maxInitialAllocation
        self.minUnitsPerVariant = minUnitsPerVariant
        self.alpha = alpha
        self.metrics = metrics
        self.method = method
        self.srmThreshold = srmThreshold
    }
}

/// The always-valid test of the online goal metrics: valid however often it is looked at.
public enum SequentialMethod: Sendable, Hashable {
    /// GrowthBook's asymptotic confidence sequence; `tuningUnits` (N*) is the total number of
    /// units of the two variants at which a decision is expected.
    case confidenceSequence(tuningUnits: Int)
    /// The mixture sequential probability ratio test; `mixtureSD` (τ) is the relative effect
    /// it is tuned to find quickly.
    case msprt(mixtureSD: Double)
}

public struct OnlineMetric: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        case increase
        case decrease
    }

    public var name: String
    /// Which way is better.
    public var direction: Direction
    /// The largest relative change in the wrong direction tolerated (e.g. 0.05 = 5%): a
    /// guardrail. nil for a goal metric, which must improve.
    public var maxRegression: Double?

    public init(name: String, direction: Direction, maxRegression: Double? = nil) {
        self.name = name
        self.direction = direction
        self.maxRegression = maxRegression
    }
}
