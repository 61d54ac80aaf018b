public import ExpctlModel
public import ExpctlStatistics

/// The five verdicts of a gate (docs/gates.md). Only `pass` lets a change through.
public enum GateVerdict: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every criterion is met.
    case pass
    /// A criterion is not met: a significant degradation or regression, a threshold missed.
    case fail
    /// The evidence supports neither a pass nor a failure yet; it never promotes.
    case inconclusive
    /// Not enough evidence yet (an evaluation to run, units to arrive).
    case waiting
    /// The evidence cannot be trusted (a sample-ratio mismatch) or cannot exist as declared.
    case blocked
}

/// One criterion of a gate, in words and numbers.
public struct GateCriterion: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case met
        case unmet
        /// The data cannot tell yet.
        case unknown
    }

    /// `offline_eval_score`, `no_degradation.meal_diversity_score`, `plan_acceptance_rate`.
    public var name: String
    public var outcome: Outcome
    /// `offline score 0.81 < baseline 0.84 + 0.00`.
    public var text: String
    public var figures: [Figure]

    public init(name: String, outcome: Outcome, text: String, figures: [Figure] = []) {
        self.name = name
        self.outcome = outcome
        self.text = text
        self.figures = figures
    }
}

/// What a gate judged: the model version, its baseline and the data behind the verdict.
public struct GateIdentity: Sendable, Hashable {
    public var model: String?
    public var version: String?
    public var baselineVersion: String?
    public var datasetDigest: String?
    public var experiment: String?

    public init(
        model: String? = nil, version: String? = nil, baselineVersion: String? = nil, datasetDigest: String? = nil,
        experiment: String? = nil
    ) {
        self.model = model
        self.version = version
        self.baselineVersion = baselineVersion
        self.datasetDigest = datasetDigest
        self.experiment = experiment
    }
}

/// A gate's judgement of one subject on this pass: the verdict, a headline a person reads
/// first, and the criteria behind it. Plans show every report; apply records one in
/// `exp.gate_decisions` when its verdict or evidence changed materially.
public struct GateReport: Sendable, Hashable {
    public var kind: GateKind
    /// `planner_model/2` (offline), `planner_policy_exp/leftovers_v2` (online).
    public var subject: String
    /// The gate profile that set the thresholds.
    public var profile: String
    public var verdict: GateVerdict
    /// `fail: offline score 0.81 < baseline 0.84 + 0.00`.
    public var headline: String
    public var criteria: [GateCriterion]
    /// For `waiting`: how far the evidence is (640 of 1,000 units per variant).
    public var progress: Progress?
    public var identity: GateIdentity
    /// What the online gate keeps between passes: each metric's always-valid state.
    public var onlineStates: [String: AlwaysValidState]

    public init(
        kind: GateKind, subject: String, profile: String, verdict: GateVerdict, headline: String,
        criteria: [GateCriterion], progress: Progress? = nil, identity: GateIdentity,
        onlineStates: [String: AlwaysValidState] = [:]
    ) {
        self.kind = kind
        self.subject = subject
        self.profile = profile
        self.verdict = verdict
        self.headline = headline
        self.criteria = criteria
        self.progress = progress
        self.identity = identity
        self.onlineStates = onlineStates
    }

    /// `onlineStates` as recorded (`evidence.state`); encoded only when a plan is written as JSON
    /// or a decision recorded, not on every pass.
    public var state: JSONValue? { onlineStates.isEmpty ? nil : OnlineGateState.encode(onlineStates) }

    /// The report as the evidence of an action that waits on or is blocked by the gate.
    public var evidence: Evidence {
        Evidence(
            state: verdict.rawValue, waitsFor: "the \(kind.rawValue) gate to pass", progress: progress,
            figures: criteria.flatMap(\.figures), detail: headline)
    }

    public var dependency: GateDependency { GateDependency(kind: kind, subject: subject, evidence: evidence) }
}

extension GateReport {
    /// The SHA-256 of what makes a decision material: the gate, subject, profile, verdict, what
    /// was judged (model, version, baseline, dataset, experiment) and each criterion's outcome.
    /// Figures are left out: online they move with every event, and a record on every pass
    /// would drown the changes that matter.
    public var materialDigest: String {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let material = JSONValue.object([
            "gate": .string(kind.rawValue), "subject": .string(subject), "profile": .string(profile),
            "verdict": .string(verdict.rawValue),
            "identity": .array([
                text(identity.model), text(identity.version), text(identity.baselineVersion),
                text(identity.datasetDigest), text(identity.experiment),
            ]),
            "criteria": .array(criteria.map { .array([.string($0.name), .string($0.outcome.rawValue)]) }),
        ])
        return ContentHash.hex(material.canonicalText)
    }

    /// Whether apply records this report: the subject has no decision yet, the latest one
    /// differs in verdict or material evidence, or an online metric's always-valid interval has
    /// narrowed to `narrowing` of its recorded width or less. The last makes the record a
    /// history of the interval as it narrows (what the status page draws) with a row per
    /// narrowing, not per pass: the width shrinks like 1/√n, so each row takes about 1.6 times
    /// the units of the one before.
    public func needsRecord(after latest: RecordedGateDecision?, narrowing: Double = 0.8) -> Bool {
        guard let latest else { return true }
        if latest.verdict != verdict || latest.evidenceDigest != materialDigest { return true }
        guard !onlineStates.isEmpty else { return false }
        let recorded = OnlineGateState.decode(latest.state)
        return onlineStates.contains { metric, state in
            guard let width = Self.width(state) else { return false }
            guard let before = recorded[metric].flatMap(Self.width) else { return true }
            return width <= narrowing * before
        }
    }

    /// The width of the intersected interval, nil while a side is unbounded.
    private static func width(_ state: AlwaysValidState) -> Double? {
        let (lower, upper) = state.recordedBounds
        guard let lower, let upper, lower.isFinite, upper.isFinite else { return nil }
        return upper - lower
    }
}
