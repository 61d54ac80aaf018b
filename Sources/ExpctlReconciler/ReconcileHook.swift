public import ExpctlPlan

/// The steps of a pass, in order.
public enum PassStep: String, Sendable, Hashable, CaseIterable {
    case readSource = "read_source"
    case validate
    case observe
    case plan
    /// The three steps of an apply, in the order they write.
    case applyJobLedger = "apply_job_ledger"
    case applyRegistry = "apply_registry"
    case applyDatabase = "apply_database"
    case record
}

/// What a pass reports as it goes, Terraform's `hook.go` way: the terminal, JSON lines and
/// (later) metrics are implementations. Called on the thread that runs the pass; every method
/// has a default that does nothing.
public protocol ReconcileHook: AnyObject {
    func passStarted()
    func stepStarted(_ step: PassStep)
    func stepFinished(_ step: PassStep, seconds: Double)
    /// Actions carried out: ledger and database ones when their transaction commits, registry
    /// ones as each completes.
    func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem)
    /// The plan a pass made and the state it was made from (the service's status page and
    /// metrics show them); not called when the tree is invalid or observing failed.
    func planned(_ plan: Plan, observed: ObservedState)
    func passFinished(_ outcome: PassOutcome)
}

extension ReconcileHook {
    public func passStarted() {}
    public func stepStarted(_ step: PassStep) {}
    public func stepFinished(_ step: PassStep, seconds: Double) {}
    public func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem) {}
    public func planned(_ plan: Plan, observed: ObservedState) {}
    public func passFinished(_ outcome: PassOutcome) {}
}

extension ReconcileHook {
    /// Runs `body` as `step`: reported when it starts and, with the seconds it took on
    /// `clock`, when it finishes (not when it throws).
    func timed<Result, Failure: Error>(
        _ step: PassStep, on clock: any ReconcileClock, _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let started = clock.now()
        stepStarted(step)
        let result = try body()
        stepFinished(step, seconds: clock.now().timeIntervalSince(started))
        return result
    }
}

/// A hook that reports nothing.
public final class SilentHook: ReconcileHook {
    public init() {}
}

/// Reports to several hooks in turn.
public final class HookGroup: ReconcileHook {
    public let hooks: [any ReconcileHook]

    public init(_ hooks: [any ReconcileHook]) { self.hooks = hooks }

    public func passStarted() { for hook in hooks { hook.passStarted() } }
    public func stepStarted(_ step: PassStep) { for hook in hooks { hook.stepStarted(step) } }
    public func stepFinished(_ step: PassStep, seconds: Double) {
        for hook in hooks { hook.stepFinished(step, seconds: seconds) }
    }
    public func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem) {
        for hook in hooks { hook.actionsCompleted(actions, system: system) }
    }
    public func planned(_ plan: Plan, observed: ObservedState) {
        for hook in hooks { hook.planned(plan, observed: observed) }
    }
    public func passFinished(_ outcome: PassOutcome) { for hook in hooks { hook.passFinished(outcome) } }
}
