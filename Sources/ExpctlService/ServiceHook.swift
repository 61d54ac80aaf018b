public import ExpctlPlan
public import ExpctlReconciler
import Foundation
public import Logging

/// The loop's reports turned into the service's state, metrics and log lines. Runs on the
/// loop's thread.
public final class ServiceHook: ReconcileHook {
    private let state: ServiceState
    private let metrics: ServiceMetrics
    private let clock: any ReconcileClock
    /// Told after each pass, on the loop's thread, whether it applied something (the service
    /// reloads the APIs' snapshot of the applied state there).
    private let afterPass: (_ applied: Bool) -> Void
    private let logger: Logger
    private var started = Date()

    public init(
        state: ServiceState, metrics: ServiceMetrics, clock: any ReconcileClock, logger: Logger,
        afterPass: @escaping (_ applied: Bool) -> Void
    ) {
        self.logger = logger
        self.state = state
        self.metrics = metrics
        self.clock = clock
        self.afterPass = afterPass
    }

    public func passStarted() {
        started = clock.now()
        state.passStarted(at: started)
    }

    public func stepFinished(_ step: PassStep, seconds: Double) { state.stepFinished(step) }

    public func planned(_ plan: Plan, observed: ObservedState) {
        state.planned(plan, observed: observed, at: clock.now())
        metrics.planned(plan, observed: observed)
    }

    public func passFinished(_ outcome: PassOutcome) {
        let now = clock.now()
        let seconds = now.timeIntervalSince(started)
        var applied = 0
        if case .applied(_, let report, _) = outcome { applied = report.total }
        let record = ServiceState.PassRecord(
            started: started, seconds: seconds, outcome: outcome.kind, commit: outcome.revision?.commit,
            summary: PassSummary.line(outcome), applied: applied)
        let driftRepaired = state.passFinished(record, appliedAt: applied > 0 ? now : nil)
        metrics.passFinished(outcome, seconds: seconds)
        logger.log(
            level: outcome.kind == "transient" || outcome.kind == "stalled" ? .warning : .info, "\(record.summary)",
            metadata: [
                "event": "pass", "outcome": "\(outcome.kind)", "commit": "\(record.commit ?? "")",
                "seconds": "\(String(format: "%.3f", seconds))", "applied": "\(applied)",
            ])
        if applied > 0, let commit = outcome.revision?.commit {
            metrics.applied(
                commit: commit, at: now, actions: applied, driftRepaired: driftRepaired ? applied : 0)
        }
        if case .transient = outcome { return }
        afterPass(applied > 0)
    }
}

/// One line for a pass, for the status page and the service's log.
enum PassSummary {
    static func line(_ outcome: PassOutcome) -> String {
        switch outcome {
        case .converged(let revision): "converged at \(revision)"
        case .applied(let revision, let report, let remaining):
            "applied \(report.total) action\(report.total == 1 ? "" : "s") at \(revision)" + rest(remaining)
        case .waiting(let revision, let remaining): "nothing ready at \(revision)" + rest(remaining)
        case .stalled(let revision, let reason):
            "stalled\(revision.map { " at \($0)" } ?? ""): \(stall(reason))"
        case .transient(let error): "failed, retried: \(error)"
        }
    }

    private static func rest(_ remaining: Remaining) -> String {
        remaining.isEmpty ? "" : "; \(remaining.waiting.count) waiting, \(remaining.blocked.count) blocked"
    }

    private static func stall(_ reason: StallReason) -> String {
        switch reason {
        case .invalidDesiredState(let diagnostics):
            "the tree has \(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s")"
        case .planProblems(let problems): "the plan has \(problems.count) problem\(problems.count == 1 ? "" : "s")"
        case .applyRefused(let error): "apply refused: \(error)"
        case .historyRewritten(let applied): "history rewritten: not a descendant of the applied \(applied.prefix(7))"
        case .signatureRefused(let problem): "signature refused: \(problem)"
        }
    }
}
