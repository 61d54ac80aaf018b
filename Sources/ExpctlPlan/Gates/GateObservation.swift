public import ExpctlModel

/// What the gates read besides git and the rest of the observed state: the recorded offline
/// evaluations, the running experiments' online data, and each gate's latest recorded decision.
/// Not part of a saved plan's digests: evidence grows between a plan and its apply, and a
/// plan shows the evidence it was made with.
public struct GateObservation: Sendable, Hashable {
    public var evaluations: [OfflineEvaluation]
    /// By experiment name.
    public var online: [String: OnlineExperimentData]
    /// The latest decision per gate and subject.
    public var decisions: [GateSubject: RecordedGateDecision]
    /// By experiment name: how many units each bucket holds in each variant (`exp.assignments`),
    /// for what an allocation change would move if assignment were not sticky.
    public var assigned: [String: [AssignedUnits]]

    public init(
        evaluations: [OfflineEvaluation] = [], online: [String: OnlineExperimentData] = [:],
        decisions: [GateSubject: RecordedGateDecision] = [:], assigned: [String: [AssignedUnits]] = [:]
    ) {
        self.evaluations = evaluations
        self.online = online
        self.decisions = decisions
        self.assigned = assigned
    }

    public static let empty = GateObservation()

    /// The evaluation of `model` `version` against `baseline` on `dataset` (the one the
    /// evaluation job of its training records), if it was recorded.
    public func evaluation(model: String, version: String, baseline: String?, dataset: String) -> OfflineEvaluation? {
        evaluations.last {
            $0.model == model && $0.version == version && $0.baselineVersion == baseline && $0.datasetVersion == dataset
        }
    }
}

/// A gate and what it judges.
public struct GateSubject: Sendable, Hashable, Comparable {
    public var kind: GateKind
    public var subject: String

    public init(kind: GateKind, subject: String) {
        self.kind = kind
        self.subject = subject
    }

    public static func < (lhs: GateSubject, rhs: GateSubject) -> Bool {
        (lhs.kind.rawValue, lhs.subject) < (rhs.kind.rawValue, rhs.subject)
    }
}

/// A row of `exp.gate_decisions` as the next pass reads it back.
public struct RecordedGateDecision: Sendable, Hashable {
    public var verdict: GateVerdict
    /// The digest of the material evidence (`GateRecord.materialDigest`).
    public var evidenceDigest: String
    /// The online tests' state the decision left.
    public var state: JSONValue?
    /// The model version the decision judged: an online state carries over only to the same one.
    public var version: String?

    public init(verdict: GateVerdict, evidenceDigest: String, state: JSONValue? = nil, version: String? = nil) {
        self.verdict = verdict
        self.evidenceDigest = evidenceDigest
        self.state = state
        self.version = version
    }
}

/// The units of one bucket assigned to one variant.
public struct AssignedUnits: Sendable, Hashable {
    public var bucket: Int
    public var variant: String
    public var units: Int

    public init(bucket: Int, variant: String, units: Int) {
        self.bucket = bucket
        self.variant = variant
        self.units = units
    }
}
