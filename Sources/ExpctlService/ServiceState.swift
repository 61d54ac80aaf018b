public import ExpctlPlan
public import ExpctlReconciler
public import Foundation
import Synchronization

/// What the service knows of its loop, shared between the loop's thread and the request
/// handlers: the last passes, the last plan and what it was made from, and whether the service
/// is ready. Every read is a copy taken under the lock.
public final class ServiceState: Sendable {
    /// One finished pass, as the status page and `/readyz` show it.
    public struct PassRecord: Sendable {
        public var started: Date
        public var seconds: Double
        /// `converged`, `applied`, `waiting`, `stalled`, `transient`.
        public var outcome: String
        public var commit: String?
        public var summary: String
        /// Actions applied (0 unless `applied`).
        public var applied: Int
    }

    /// The plan of the last pass that planned, and the state it was made from.
    public struct PlanRecord: Sendable {
        public var plan: Plan
        public var observed: ObservedState
        public var at: Date
    }

    private struct Contents {
        var passes: [PassRecord] = []
        var lastPlan: PlanRecord?
        var sourceRead = false
        var observed = false
        var lastAppliedCommit: String?
        var lastAppliedAt: Date?
        /// The commit of the last pass that found nothing to do: what is applied after it at the
        /// same commit repairs drift (someone changed the actual state by hand).
        var convergedCommit: String?
        var passRunning: Date?
    }

    private let contents = Mutex(Contents())
    private let keptPasses: Int
    /// Whether this replica leads; nil: it always does (tests of one replica).
    public let leadership: Leadership?

    public init(keptPasses: Int = 50, leadership: Leadership? = nil) {
        self.keptPasses = keptPasses
        self.leadership = leadership
    }

    /// Ready once a pass has read the source and both servers answered (observing reads the
    /// database and the registry); a standby, which runs no pass, once it knows who leads.
    public var isReady: Bool {
        if case .standby? = leadership?.role { return true }
        return contents.withLock { $0.sourceRead && $0.observed }
    }

    /// Who leads, for the status page.
    public var leaderDescription: String? {
        switch leadership?.role {
        case .leader(let since)?: "this replica, since \(ISO8601DateFormatter().string(from: since))"
        case .standby(let holder)?: holder ?? "not known yet (this replica is connecting)"
        case .starting?, nil: nil
        }
    }

    /// Newest first.
    public var passes: [PassRecord] { contents.withLock { Array($0.passes.reversed()) } }
    public var lastPlan: PlanRecord? { contents.withLock { $0.lastPlan } }
    public var lastApplied: (commit: String, at: Date)? {
        contents.withLock { state in state.lastAppliedCommit.flatMap { commit in state.lastAppliedAt.map { (commit, $0) } } }
    }
    /// When the pass under way started; nil between passes.
    public var passRunningSince: Date? { contents.withLock { $0.passRunning } }

    func passStarted(at time: Date) { contents.withLock { $0.passRunning = time } }

    func stepFinished(_ step: PassStep) {
        contents.withLock { state in
            switch step {
            case .readSource: state.sourceRead = true
            case .observe: state.observed = true
            default: break
            }
        }
    }

    func planned(_ plan: Plan, observed: ObservedState, at time: Date) {
        contents.withLock { $0.lastPlan = PlanRecord(plan: plan, observed: observed, at: time) }
    }

    /// Records a finished pass; says whether what it applied repaired drift: it applied at the
    /// commit an earlier pass had found converged.
    func passFinished(_ record: PassRecord, appliedAt time: Date?) -> Bool {
        contents.withLock { state in
            state.passRunning = nil
            state.passes.append(record)
            if state.passes.count > keptPasses { state.passes.removeFirst(state.passes.count - keptPasses) }
            let drift = time != nil && record.commit != nil && record.commit == state.convergedCommit
            if let time, let commit = record.commit {
                state.lastAppliedCommit = commit
                state.lastAppliedAt = time
            }
            if record.outcome == "converged" { state.convergedCommit = record.commit }
            return drift
        }
    }
}
