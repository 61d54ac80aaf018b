public import ExpctlDatasets
import ExpctlDesiredState
import ExpctlModel
public import ExpctlPlan
public import ExpctlStore
import Foundation

/// One reconcile pass and its steps: read the source, validate, observe, plan, apply what is
/// ready, record. `expctl plan` stops after planning, `expctl apply` confirms before applying,
/// `expctl reconcile` runs whole passes in a loop: all three go through here.
public final class Reconciler {
    public let source: any DesiredStateSource
    public let store: ExpStore
    public let registry: RegistryAccess
    public let hook: any ReconcileHook
    public let clock: any ReconcileClock
    /// The dataset store the plan checks for undeclared datasets; nil: not checked.
    public let datasets: DatasetStore?
    /// What a pass asks of a commit before planning it (see `RevisionRules`).
    private let revisionCheck: RevisionCheck

    public init(
        source: any DesiredStateSource, store: ExpStore, registry: RegistryAccess,
        hook: any ReconcileHook = SilentHook(),
        clock: any ReconcileClock = SystemClock(), datasets: DatasetStore? = nil, rules: RevisionRules = .none
    ) {
        self.revisionCheck = RevisionCheck(rules: rules)
        self.datasets = datasets
        self.source = source
        self.store = store
        self.registry = registry
        self.hook = hook
        self.clock = clock
    }

    /// A plan and what it was made from.
    public struct Prepared {
        public var snapshot: SourceSnapshot
        public var observed: ObservedState
        public var plan: Plan
        /// The port the registry was read through; nil when it was not read.
        public var registryPort: (any RegistryPort)?

        public var digests: StateDigests { observed.digests }

        /// The plan as a file `expctl apply FILE` takes.
        public var file: PlanFile { PlanFile(plan: plan, observed: digests, ref: snapshot.revision.refName) }
    }

    public enum Preparation {
        /// The tree has errors: no plan.
        case invalid(SourceSnapshot)
        case planned(Prepared)
    }

    /// Reads the source, validates it, observes and plans.
    public func prepare() throws(PassError) -> Preparation {
        try prepare(try readSource())
    }

    private func readSource() throws(PassError) -> SourceSnapshot {
        do {
            return try hook.timed(.readSource, on: clock) { try source.load() }
        } catch {
            throw .source(error)
        }
    }

    /// Validates what was read, observes and plans.
    private func prepare(_ snapshot: SourceSnapshot) throws(PassError) -> Preparation {
        let valid = hook.timed(.validate, on: clock) { snapshot.result.isValid }
        guard valid else { return .invalid(snapshot) }
        let desired = snapshot.result.state
        let observer = StateObserver(store: store, registry: registry, datasets: datasets)
        let (observed, port) = try hook.timed(.observe, on: clock) { () throws(PassError) in
            try observer.observe(desired)
        }
        let plan = hook.timed(.plan, on: clock) {
            Planner.plan(desired: desired, observed: observed, commit: snapshot.revision.commit)
        }
        hook.planned(plan, observed: observed)
        return .planned(Prepared(snapshot: snapshot, observed: observed, plan: plan, registryPort: port))
    }

    /// Applies a prepared plan's ready actions (see `CrossSystemApply`).
    @discardableResult
    public func apply(_ prepared: Prepared) throws(ApplyError) -> ApplyReport {
        try CrossSystemApply(store: store, hook: hook, clock: clock)
            .apply(
                prepared.plan, ref: prepared.snapshot.revision.refName, expected: .observed(prepared.observed),
                registry: prepared.registryPort)
    }

    /// Applies a saved plan exactly, refused when any part of the state it was made from changed.
    @discardableResult
    public func apply(_ file: PlanFile) throws(ApplyError) -> ApplyReport {
        let port =
            file.observed.registry == nil && !file.plan.readyActions.contains { $0.address.system == .registry }
            ? nil : registry.port(for: Set(file.observed.registryModels + file.plan.registryModelsChanged))
        return try CrossSystemApply(store: store, hook: hook, clock: clock)
            .apply(file.plan, ref: file.ref, expected: .digests(file.observed), registry: port)
    }

    /// A whole pass; never throws: every failure is an outcome that says what the loop does next.
    public func pass() -> PassOutcome {
        hook.passStarted()
        let outcome = passOutcome()
        hook.passFinished(outcome)
        // Then the writer folds the events that arrived into the per-unit gate sums, so that the
        // next pass's gates read few events whatever the size of exp.events. Off the pass's own
        // time; a failure is the next pass's to meet (it reads the longer tail meanwhile).
        _ = try? store.catchUpUnitMetrics()
        return outcome
    }

    private func passOutcome() -> PassOutcome {
        // A run a killed process left `running` is marked even when nothing is left to apply.
        do {
            try store.markInterruptedRuns()
        } catch {
            return .transient(.database(error))
        }
        let preparation: Preparation
        do {
            let snapshot = try readSource()
            let refusal = try revisionCheck.refusal(of: snapshot.revision, history: source.history) {
                try store.lastAppliedCommit()
            }
            if let refusal { return .stalled(snapshot.revision, refusal) }
            preparation = try prepare(snapshot)
        } catch {
            return .transient(error)
        }
        switch preparation {
        case .invalid(let snapshot):
            let errors = snapshot.result.diagnostics.filter { $0.severity == .error }
            return .stalled(snapshot.revision, .invalidDesiredState(errors))
        case .planned(let prepared):
            let plan = prepared.plan
            guard plan.isApplicable else {
                // Recording it is a courtesy: a failure to do so must not hide why the pass stalled.
                hook.timed(.record, on: clock) {
                    _ = try? store.recordRefused(plan, ref: prepared.snapshot.revision.refName)
                }
                return .stalled(prepared.snapshot.revision, .planProblems(plan.problems))
            }
            let remaining = Remaining(plan)
            guard plan.hasWork else {
                return remaining.isEmpty
                    ? .converged(prepared.snapshot.revision) : .waiting(prepared.snapshot.revision, remaining)
            }
            do {
                return .applied(prepared.snapshot.revision, try apply(prepared), remaining: remaining)
            } catch where error.needsAChange {
                return .stalled(prepared.snapshot.revision, .applyRefused(error))
            } catch {
                return .transient(.apply(error))
            }
        }
    }
}

extension Plan {
    /// The registered models whose versions or aliases the plan's actions change.
    var registryModelsChanged: [String] {
        actions.compactMap { action in
            switch action.address {
            case .modelVersion(let model, _), .modelVersionTags(let model, _), .modelAlias(let model, _): model
            default: nil
            }
        }
    }
}
