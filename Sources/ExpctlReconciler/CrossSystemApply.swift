import ExpctlModel
public import ExpctlPlan
import ExpctlPostgres
public import ExpctlStore
import Foundation

/// Carries out a plan's ready actions across the three systems it changes, in the order that
/// keeps each step exactly once:
///
/// 1. under the writers' lock, runs a killed process left `running` are marked `interrupted`,
///    and every part of the observed state must still have the digest the plan was made from
///    (else nothing is written);
/// 2. the run is recorded `running`;
/// 3. the job ledger's rows commit in one transaction with their record in the run, so a job is
///    never lost and never added twice;
/// 4. MLflow's calls follow, each idempotent and recorded as it completes: MLflow cannot roll
///    back, so it goes before the one system that can;
/// 5. the database's actions commit in one transaction that checks the rows again and finishes
///    the run. A failed registry call leaves the database as it was; a kill anywhere leaves a
///    run record that says what was done, and a state the next plan completes.
///
/// Waiting and blocked actions are skipped and recorded as such.
public struct CrossSystemApply {
    public let store: ExpStore
    public let hook: any ReconcileHook
    public let clock: any ReconcileClock

    public init(store: ExpStore, hook: any ReconcileHook = SilentHook(), clock: any ReconcileClock = SystemClock()) {
        self.store = store
        self.hook = hook
        self.clock = clock
    }

    /// Applies `plan`, made from the `expected` state; `registry` is the port its registry
    /// actions (and the registry's stale check) go through.
    @discardableResult
    public func apply(
        _ plan: Plan, ref: String?, expected: ExpectedState, registry: (any RegistryPort)?
    ) throws(ApplyError) -> ApplyReport {
        guard plan.isApplicable else { throw .planHasProblems(plan.problems.count) }
        let ready = plan.readyActions
        let ledgerActions = ready.filter { $0.address.system == .jobLedger }
        let registryActions = ready.filter { $0.address.system == .registry }
        let databaseActions = ready.filter { $0.address.system == .database }
        if registry == nil, !registryActions.isEmpty || expected.coversRegistry {
            throw .registryRequired(actions: registryActions.count)
        }
        do {
            return try store.withWritersLock { () throws(ApplyError) -> ApplyReport in
                let run = try start(plan, ref: ref, expected: expected, registry: registry)
                var ledgerChanges = 0
                var registryChanges = 0
                do {
                    if !ledgerActions.isEmpty {
                        try hook.timed(.applyJobLedger, on: clock) {
                            try store.applyLedgerActions(ledgerActions, commit: plan.commit, run: run)
                            ledgerChanges = ledgerActions.count
                            hook.actionsCompleted(ledgerActions, system: .jobLedger)
                        }
                    }
                } catch {
                    try? run.fail("\(ApplyError.ledgerFailed(error))")
                    throw .ledgerFailed(error)
                }
                // The ledger now holds this plan's jobs: the database step checks against that.
                var expectedJobs = expected.jobs
                do {
                    if !ledgerActions.isEmpty { expectedJobs = .text(try store.jobs.read().canonicalText) }
                    if let registry, !registryActions.isEmpty {
                        let byID = Dictionary(registryActions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                        try hook.timed(.applyRegistry, on: clock) {
                            try registry.apply(registryActions, commit: plan.commit) { ids in
                                registryChanges += ids.count
                                try run.completed(ids)
                                hook.actionsCompleted(ids.compactMap { byID[$0] }, system: .registry)
                            }
                        }
                    }
                } catch let failure as RegistryActionFailure {
                    let error = ApplyError.registryActionFailed(
                        action: failure.action, error: failure.underlying,
                        registryChanges: registryChanges, ledgerChanges: ledgerChanges)
                    try? run.fail("\(error)")
                    throw error
                } catch {
                    let error = ApplyError.databaseFailed(
                        action: nil, error: error, registryChanges: registryChanges, ledgerChanges: ledgerChanges)
                    try? run.fail("\(error)")
                    throw error
                }
                var gateDecisions = 0
                do {
                    try hook.timed(.applyDatabase, on: clock) {
                        gateDecisions = try store.applyDatabaseActions(
                            databaseActions, gates: plan.gates, commit: plan.commit, run: run,
                            outcome: ready.isEmpty ? "no_changes" : "applied"
                        ) {
                            let rows = try store.readRows()
                            let changed = Self.changedParts(rows, database: expected.database, jobs: expectedJobs)
                            if !changed.isEmpty {
                                throw ApplyError.stale(
                                    changed, phase: .insideTransaction(
                                        registryChanges: registryChanges, ledgerChanges: ledgerChanges))
                            }
                        }
                        hook.actionsCompleted(databaseActions, system: .database)
                    }
                } catch let error as ApplyError {
                    try? run.fail("\(error)")
                    throw error
                } catch {
                    var action: String?
                    if case .actionFailed(let id, _)? = error as? StoreError { action = id }
                    let failure = ApplyError.databaseFailed(
                        action: action, error: error, registryChanges: registryChanges, ledgerChanges: ledgerChanges)
                    try? run.fail("\(failure)")
                    throw failure
                }
                return ApplyReport(
                    runID: run.id, ledgerActions: ledgerActions.count, registryActions: registryActions.count,
                    databaseActions: databaseActions.count, created: plan.count(.create), updated: plan.count(.update),
                    retired: plan.count(.retire), gateDecisions: gateDecisions)
            }
        } catch let error as ApplyError {
            throw error
        } catch let error as StoreError {
            if case .locked(let holder) = error { throw .locked(holder: holder) }
            throw .runRecordFailed(error)
        } catch {
            throw .runRecordFailed(error)
        }
    }

    /// Step 1 and 2: interrupted runs marked, every part checked, the run recorded.
    private func start(
        _ plan: Plan, ref: String?, expected: ExpectedState, registry: (any RegistryPort)?
    ) throws(ApplyError) -> RunRecord {
        var changed: [ObservedPart]
        do {
            try store.markInterruptedRuns()
            changed = Self.changedParts(try store.readRows(), database: expected.database, jobs: expected.jobs)
        } catch {
            throw .runRecordFailed(error)
        }
        if let recorded = expected.registry, let registry {
            do {
                if !recorded.matches(try registry.currentState()) { changed.append(.registry) }
            } catch {
                throw .registryUnreadable(error)
            }
        }
        guard changed.isEmpty else { throw .stale(changed, phase: .beforeStart) }
        do {
            return try store.beginRun(plan, ref: ref)
        } catch {
            throw .runRecordFailed(error)
        }
    }

    /// The parts of the database's rows and ledger that differ from what is expected.
    private static func changedParts(
        _ rows: (database: ActualState, jobs: JobLedgerState),
        database: Expectation<ActualState>, jobs: Expectation<JobLedgerState>
    ) -> [ObservedPart] {
        var changed: [ObservedPart] = []
        if !database.matches(rows.database) { changed.append(.database) }
        if !jobs.matches(rows.jobs) { changed.append(.jobs) }
        return changed
    }
}
