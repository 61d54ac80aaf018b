import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres

/// The `exp` schema in PostgreSQL as expctl's state store: its migrations, the actual state
/// the planner compares with, and applying a plan in one transaction.
///
/// Confined to one thread, like the connection it uses.
public final class ExpStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Creates or upgrades the schema; returns the migrations applied.
    @discardableResult
    public func migrate() throws -> [Int] { try Migrator.migrate(connection) }

    /// Whether the `exp` schema exists yet (before the first migration it does not).
    public func isMigrated() throws -> Bool {
        try connection.execute("SELECT to_regclass('exp.schema_migrations') IS NOT NULL AS migrated").bool(0, "migrated") ?? false
    }

    /// The actual state; empty before the first migration, so a plan shows everything to create.
    public func actualState() throws -> ActualState {
        try isMigrated() ? ActualStateReader.read(connection) : .empty
    }

    /// SHA-256 (hex) of the actual state's canonical text: what a saved plan is checked against.
    public func digest(of state: ActualState) -> String { SHA256.hex(state.canonicalText) }

    /// What applying a plan did.
    public struct ApplyOutcome: Sendable {
        /// Actions carried out, registry and database ones.
        public var actionsApplied: Int
        /// Actions skipped because they wait on a job or a gate.
        public var actionsWaiting: Int
        public var runID: Int64
    }

    /// Applies the plan's ready actions and records the run in `exp.reconcile_runs`; actions
    /// waiting on a job or a gate are skipped and recorded as waiting.
    ///
    /// MLflow has no transactions, so the registry actions (through `registry`) go first,
    /// each idempotent and recorded as it completes; then every database action commits in
    /// one transaction with the run's outcome, or none does. A failure names the action that
    /// failed and what was applied before it; a process killed at any point leaves a run
    /// record saying what it did and a state the next plan completes.
    ///
    /// With `expectedDigest` (and `expectedRegistryDigest`), the database (and the registry)
    /// must still have the digest the plan was made against: a stale plan changes nothing.
    @discardableResult
    public func apply(
        _ plan: Plan, ref: String?, expectedDigest: String? = nil,
        registry: (any RegistryApplying)? = nil, expectedRegistryDigest: String? = nil
    ) throws -> ApplyOutcome {
        guard plan.isApplicable else { throw StoreError.planHasProblems(plan.problems.count) }
        let ready = plan.readyActions
        let registryActions = ready.filter(\.address.isInRegistry)
        let databaseActions = ready.filter { !$0.address.isInRegistry }
        if !registryActions.isEmpty || expectedRegistryDigest != nil, registry == nil {
            throw StoreError.registryNotConfigured(registryActions.count)
        }
        return try withWritersLock {
            try RunRecord.markInterrupted(connection)
            // Before anything starts; checked again inside the transaction.
            if let expectedDigest, self.digest(of: try actualState()) != expectedDigest {
                throw StoreError.stale
            }
            if let expectedRegistryDigest, let registry, try registry.currentState().digest != expectedRegistryDigest {
                throw StoreError.registryStale
            }
            let run = try RunRecord.begin(
                connection, commit: plan.commit, ref: ref, planDigest: plan.digest, actions: ready.map(\.id),
                waiting: plan.waitingActions.map(\.id))
            var registryChanges = 0
            do {
                if let registry, !registryActions.isEmpty {
                    do {
                        try registry.apply(registryActions, commit: plan.commit) { ids in
                            registryChanges += ids.count
                            try run.completed(ids)
                        }
                    } catch let failure as RegistryActionFailure {
                        throw StoreError.registryActionFailed(
                            action: failure.action, underlying: failure.underlying, completedBefore: registryChanges)
                    }
                }
                try connection.transaction {
                    if let expectedDigest, self.digest(of: try actualState()) != expectedDigest { throw StoreError.stale }
                    try BatchWrites(single: PlanApplier(connection: connection, commit: plan.commit)).apply(databaseActions)
                    try run.finish(outcome: ready.isEmpty ? "no_changes" : "applied", completed: databaseActions.map(\.id))
                }
            } catch {
                let failure: any Error = switch error {
                case StoreError.registryActionFailed: error
                case _ where registryChanges == 0: error
                default: StoreError.failedAfterRegistryChanges(underlying: "\(error)", registryChanges: registryChanges)
                }
                try? run.fail("\(failure)")
                throw failure
            }
            return ApplyOutcome(actionsApplied: ready.count, actionsWaiting: plan.waitingActions.count, runID: run.id)
        }
    }

    /// Records that a plan was refused (its problems need git to change), once per plan: a
    /// reconciler that stalls on the same plan pass after pass records it the first time only.
    /// Returns whether it recorded.
    @discardableResult
    public func recordRefused(_ plan: Plan, ref: String?) throws -> Bool {
        guard let first = plan.problems.first else { return false }
        let reason = "\(plan.problems.count) problem\(plan.problems.count == 1 ? "" : "s") git must fix; first: "
            + (first.source.map { "\($0): " } ?? "") + first.message
        let result = try connection.execute(
            """
            INSERT INTO exp.reconcile_runs (commit_sha, ref, plan_digest, actions, outcome, error, started_at, finished_at, backend_pid)
            SELECT $1, $2, $3, $4::jsonb, 'refused', $5, clock_timestamp(), clock_timestamp(), pg_backend_pid()
            WHERE NOT EXISTS (
                SELECT 1 FROM (SELECT outcome, plan_digest FROM exp.reconcile_runs ORDER BY id DESC LIMIT 1) AS last
                WHERE last.outcome = 'refused' AND last.plan_digest = $3)
            """,
            [.text(plan.commit), ref.map(PostgresValue.text) ?? .null, .text(plan.digest),
             .json(JSONValue.array(plan.actions.map { .string($0.id) }).canonicalText), .text(reason)])
        return result.affectedRows == 1
    }

    /// Marks runs whose process died mid-apply as `interrupted` (every reconcile pass does it,
    /// and apply before it applies).
    public func markInterruptedRuns() throws {
        guard try isMigrated() else { return }
        try RunRecord.markInterrupted(connection)
    }

    /// Runs `body` holding the writers' lock: the session-level advisory lock a reconciler
    /// holds for its whole session (taking it again from that session succeeds). Anyone else
    /// applying meanwhile is refused, not interleaved.
    private func withWritersLock<Result>(_ body: () throws -> Result) throws -> Result {
        let lock = ReconcilerLock(connection: connection)
        guard try lock.tryAcquire() else { throw StoreError.locked(try lock.holder()) }
        defer { try? lock.release() }
        return try body()
    }
}
