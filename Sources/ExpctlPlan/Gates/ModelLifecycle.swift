public import ExpctlModel

/// The lifecycle of one model version: none → candidate → production → archived, with no
/// stage skipped. A pure state machine: given where a version is, where git wants it and the
/// latest verdicts of its gates, it says whether the move may happen now.
///
/// - none (or archived) → candidate needs the offline gate's pass.
/// - → production needs both gates' passes: a version that has not passed both is blocked with
///   the gate it lacks, so a promotion cannot jump over the online experiment. The first
///   production version of a model needs the offline gate alone: nothing runs against it online.
/// - A rollback needs no gate and is recorded as one: production → archived (or candidate),
///   and a version that was in production before going back to production.
/// - Retiring a version that never reached production (→ archived) needs no gate either.
public struct ModelLifecycle: Sendable, Hashable {
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        case none
        case candidate
        case production
        case archived

        public init(_ stage: ModelStage?) {
            switch stage {
            case nil: self = .none
            case .candidate?: self = .candidate
            case .production?: self = .production
            case .archived?: self = .archived
            }
        }
    }

    public enum Move: Sendable, Hashable {
        /// Already there.
        case stay
        /// Allowed: the gates it needed passed (none for a retirement).
        case promote(passed: [GateKind])
        /// Allowed without a gate, recorded as a rollback.
        case rollback
        /// Not now: `missing` has not passed (its verdict, if it has one).
        case blocked(missing: GateKind, verdict: GateVerdict?)
    }

    public var stage: Stage
    /// Whether the version has been in production before (an earlier promotion or rollback).
    public var wasProduction: Bool

    public init(stage: Stage, wasProduction: Bool = false) {
        self.stage = stage
        self.wasProduction = wasProduction || stage == .production
    }

    /// The move to `target` with these gate verdicts (nil: the gate has not judged the version).
    /// `firstProduction`: no version of the model is or was in production, so there is no
    /// production model to run the online experiment against, and the offline gate is enough.
    public func move(
        to target: Stage, offline: GateVerdict?, online: GateVerdict?, firstProduction: Bool = false
    ) -> Move {
        if target == stage { return .stay }
        switch target {
        case .none:
            return .rollback
        case .archived:
            return stage == .production ? .rollback : .promote(passed: [])
        case .candidate:
            if stage == .production { return .rollback }
            return offline == .pass ? .promote(passed: [.offline]) : .blocked(missing: .offline, verdict: offline)
        case .production:
            if wasProduction { return .rollback }
            guard offline == .pass else { return .blocked(missing: .offline, verdict: offline) }
            if firstProduction { return .promote(passed: [.offline]) }
            guard online == .pass else { return .blocked(missing: .online, verdict: online) }
            return .promote(passed: [.offline, .online])
        }
    }

    /// The version after the move; unchanged when it is blocked.
    public func applying(_ move: Move, to target: Stage) -> ModelLifecycle {
        switch move {
        case .stay, .blocked: self
        case .promote, .rollback: ModelLifecycle(stage: target, wasProduction: wasProduction)
        }
    }
}
