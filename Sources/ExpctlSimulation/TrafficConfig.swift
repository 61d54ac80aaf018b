public import ExpctlModel

/// The online metrics simulated traffic can carry a true effect on: the online gate's metrics
/// (docs/gates.md), each the mean of a per-plan quantity that an effect scales.
public enum TrafficMetric: String, Sendable, CaseIterable, Hashable {
    case planAcceptanceRate = "plan_acceptance_rate"
    case editCount = "edit_count"
    case validatorInterventionRate = "validator_intervention_rate"
    case latencyMS = "latency_ms"
    case costUSD = "cost_usd"

    /// The baseline mean: an acceptance probability, edits per accepted plan, interventions
    /// per plan, milliseconds and dollars per plan.
    public var baseline: Double {
        switch self {
        case .planAcceptanceRate: 0.6
        case .editCount: 2.0
        case .validatorInterventionRate: 0.15
        case .latencyMS: 450
        case .costUSD: 0.004
        }
    }

    /// The largest mean the metric's distribution can have: a probability is at most 1, edits
    /// and interventions are binomial counts with at most `trials` per plan.
    public var maximum: Double? {
        switch self {
        case .planAcceptanceRate: 1
        case .editCount: Double(TrafficModel.editTrials)
        case .validatorInterventionRate: Double(TrafficModel.interventionTrials)
        case .latencyMS, .costUSD: nil
        }
    }
}

/// `--effect VARIANT:METRIC=+R`: the variant's true mean of the metric is the baseline's times
/// `1 + relative`.
public struct TrafficEffect: Sendable, Hashable, CustomStringConvertible {
    public var variant: String
    public var metric: TrafficMetric
    public var relative: Double

    public init(variant: String, metric: TrafficMetric, relative: Double) {
        self.variant = variant
        self.metric = metric
        self.relative = relative
    }

    /// Parses `VARIANT:METRIC=±R`; the error says what is wrong and what would be right.
    public init(parsing text: String) throws {
        let usage = "write VARIANT:METRIC=±R, e.g. candidate:plan_acceptance_rate=+0.05"
        guard let colon = text.lastIndex(of: ":"), let equals = text.lastIndex(of: "="), colon < equals else {
            throw TrafficArgumentError("--effect '\(text)': \(usage)")
        }
        let variant = String(text[..<colon])
        let metricName = String(text[text.index(after: colon)..<equals])
        let number = String(text[text.index(after: equals)...])
        guard !variant.isEmpty else {
            throw TrafficArgumentError("--effect '\(text)': the variant is missing; \(usage)")
        }
        guard let metric = TrafficMetric(rawValue: metricName) else {
            let known = TrafficMetric.allCases.map(\.rawValue).joined(separator: ", ")
            throw TrafficArgumentError("--effect '\(text)': unknown metric '\(metricName)'; use one of \(known)")
        }
        guard let relative = Double(number), relative.isFinite, relative > -1 else {
            throw TrafficArgumentError(
                "--effect '\(text)': the relative effect must be a number above -1 such as +0.05, not '\(number)'")
        }
        if let maximum = metric.maximum, metric.baseline * (1 + relative) > maximum {
            throw TrafficArgumentError(
                "--effect '\(text)': \(metric.rawValue) \(metric.baseline) × \(1 + relative) is above its maximum"
                    + " \(maximum)")
        }
        self.init(variant: variant, metric: metric, relative: relative)
    }

    public var description: String {
        "\(variant):\(metric.rawValue)=\(relative >= 0 ? "+" : "")\(relative)"
    }
}

/// `--drop VARIANT=F`: the share of the variant's newly assigned units whose assignment row is
/// not kept, so that the units the gate counts no longer match the allocations.
public struct TrafficDrop: Sendable, Hashable {
    public var variant: String
    public var share: Double

    public init(variant: String, share: Double) {
        self.variant = variant
        self.share = share
    }

    public init(parsing text: String) throws {
        guard let equals = text.lastIndex(of: "="), equals != text.startIndex else {
            throw TrafficArgumentError("--drop '\(text)': write VARIANT=F with F from 0 to 1, e.g. candidate=0.2")
        }
        let number = String(text[text.index(after: equals)...])
        guard let share = Double(number), (0...1).contains(share) else {
            throw TrafficArgumentError("--drop '\(text)': the share must be a number from 0 to 1, not '\(number)'")
        }
        self.init(variant: String(text[..<equals]), share: share)
    }
}

/// A traffic argument that cannot be used, with what would be right.
public struct TrafficArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// What traffic to simulate for one experiment.
public struct TrafficConfig: Sendable, Equatable {
    /// Units `unit-<firstUnit>` … `unit-<firstUnit + units - 1>`.
    public var units: Int
    public var firstUnit: Int
    public var days: Int
    public var seed: UInt64
    /// When the traffic starts; nil: when the experiment's current allocations were written.
    public var start: Timestamp?
    public var effects: [TrafficEffect]
    public var drops: [TrafficDrop]
    /// Delete the experiment's earlier simulated traffic events first (assignments stay).
    public var replace: Bool

    public init(
        units: Int, firstUnit: Int = 1, days: Int, seed: UInt64, start: Timestamp? = nil, effects: [TrafficEffect] = [],
        drops: [TrafficDrop] = [], replace: Bool = false
    ) {
        precondition(units >= 0 && days >= 1 && firstUnit >= 0, "traffic has no negative counts and lasts a day")
        self.units = units
        self.firstUnit = firstUnit
        self.days = days
        self.seed = seed
        self.start = start
        self.effects = effects
        self.drops = drops
        self.replace = replace
    }

    /// `unit-K`: the id of the unit at `offset` from the first.
    public func unitID(_ offset: Int) -> String { "unit-\(firstUnit + offset)" }
}
