/// The thresholds a model-dependent change must pass. Defaults hold where the desired state
/// leaves a field out.
public struct Gates: Sendable, Hashable {
    public var offline: OfflineGates
    public var online: OnlineGates
    /// Where `gates` was declared; nil when the defaults are in force.
    public var origin: SourceLocation?

    public init(offline: OfflineGates = OfflineGates(), online: OnlineGates = OnlineGates(), origin: SourceLocation? = nil) {
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

    /// Candidate offline score minus baseline score must be at least this.
    public var minScoreDelta: Double
    /// Share of replayed rows with no constraint violation; 1.0 means none allowed.
    public var minConstraintRespect: Double
    /// Significance level of the paired test for degradation.
    public var alpha: Double
    /// Weights of the offline metrics in the combined score; they sum to 1.
    public var weights: [String: Double]

    public init(
        minScoreDelta: Double = 0, minConstraintRespect: Double = 1, alpha: Double = 0.05,
        weights: [String: Double] = OfflineGates.defaultWeights
    ) {
        self.minScoreDelta = minScoreDelta
        self.minConstraintRespect = minConstraintRespect
        self.alpha = alpha
        self.weights = weights
    }
}

/// Online experiment gates: how much traffic an unproven version may get and which metrics
/// the sequential tests watch.
public struct OnlineGates: Sendable, Hashable {
    public static let defaultMetrics: [OnlineMetric] = [
        OnlineMetric(name: "plan_acceptance_rate", direction: .increase),
        OnlineMetric(name: "edit_count", direction: .decrease),
        OnlineMetric(name: "latency_ms", direction: .decrease, maxRegression: 0.05),
    ]

    public var maxInitialAllocation: Allocation
    public var minUnitsPerVariant: Int
    public var alpha: Double
    public var metrics: [OnlineMetric]

    public init(
        maxInitialAllocation: Allocation = Allocation(buckets: 1_000), minUnitsPerVariant: Int = 1_000,
        alpha: Double = 0.05, metrics: [OnlineMetric] = OnlineGates.defaultMetrics
    ) {
        self.maxInitialAllocation = maxInitialAllocation
        self.minUnitsPerVariant = minUnitsPerVariant
        self.alpha = alpha
        self.metrics = metrics
    }
}

public struct OnlineMetric: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        case increase
        case decrease
    }

    public var name: String
    /// Which way is better.
    public var direction: Direction
    /// The largest relative change in the wrong direction tolerated (e.g. 0.05 = 5%); nil for none.
    public var maxRegression: Double?

    public init(name: String, direction: Direction, maxRegression: Double? = nil) {
        self.name = name
        self.direction = direction
        self.maxRegression = maxRegression
    }
}
