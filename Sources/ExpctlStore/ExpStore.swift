import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres

/// The `exp` schema in PostgreSQL: its migrations, the managed rows and the job ledger as the
/// planner observes them, the writes of a plan's database and job-ledger actions, run records,
/// and the writers' lock. The order of an apply across systems is the reconciler's
/// (`CrossSystemApply`); this adapter only offers the steps.
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

    public var jobs: JobLedger { JobLedger(connection: connection) }

    /// The managed rows and the job ledger as of one moment (a repeatable-read snapshot, so a
    /// job that finishes while they are read is seen in both or in neither); empty before the
    /// first migration, so a plan shows everything to create. Reads only (a plan may run under
    /// a read-only role); a schema older than this expctl's is an error saying to migrate.
    public func observeRows() throws -> (database: ActualState, jobs: JobLedgerState) {
        guard try isMigrated() else { return (.empty, .empty) }
        return try connection.transaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            let found = try connection.execute("SELECT max(version) AS version FROM exp.schema_migrations").int(0, "version") ?? 0
            let known = Migration.all.map(\.version).max() ?? 0
            guard found >= known else { throw StoreError.schemaOutdated(found: Int(found), known: known) }
            return try readRows()
        }
    }

    /// The same, inside the caller's transaction.
    public func readRows() throws -> (database: ActualState, jobs: JobLedgerState) {
        (try ActualStateReader.read(connection), try jobs.read())
    }

    /// The gates' evidence and latest decisions, in a read-only snapshot of their own (empty
    /// before the first migration). The assigned units per bucket are read only for the
    /// experiments named in `assignmentsOf` (those whose allocations the plan may change; nil:
    /// every experiment).
    public func observeGates(assignmentsOf experiments: Set<String>? = nil) throws -> GateObservation {
        guard try isMigrated() else { return .empty }
        return try connection.transaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            // The estimates of the events since the watermark are far above what is there, and
            // compiling the plan (JIT) then cost 0.4 s of a 0.4 s read.
            try connection.execute("SET LOCAL jit = off")
            return try GateEvidenceReader.read(connection, assignmentsOf: experiments)
        }
    }

    /// The statements `observeGates` runs, in its order, with their parameters: for a benchmark
    /// to time them on their own (psql, `EXPLAIN ANALYZE`) against the whole read.
    public func gateEvidenceStatements() throws -> [(name: String, sql: String, parameters: [PostgresValue])] {
        try GateEvidenceReader.statements(connection)
    }

    /// Folds the events since the watermark into `exp.unit_metrics` (`UnitMetrics`); nothing
    /// before the first migration.
    @discardableResult
    public func catchUpUnitMetrics() throws -> UnitMetrics.CatchUp? {
        guard try isMigrated() else { return nil }
        return try UnitMetrics.catchUp(connection)
    }

    /// The actual state alone (tests and benchmarks).
    public func actualState() throws -> ActualState { try observeRows().database }

    /// Runs `body` holding the writers' lock: the session-level advisory lock a reconciler
    /// holds for its whole session (taking it again from that session succeeds). Anyone else
    /// applying meanwhile is refused, not interleaved.
    public func withWritersLock<Result>(_ body: () throws -> Result) throws -> Result {
        let lock = ReconcilerLock(connection: connection)
        guard try lock.tryAcquire() else { throw StoreError.locked(holder: try lock.holder()) }
        defer { try? lock.release() }
        return try body()
    }

    /// Records a run that starts now, committed at once so that it survives what follows.
    public func beginRun(_ plan: Plan, ref: String?) throws -> RunRecord {
        try RunRecord.begin(
            connection, commit: plan.commit, ref: ref, planDigest: plan.digest, actions: plan.readyActions.map(\.id),
            waiting: plan.actions.filter { !$0.readiness.isReady }.map(\.id))
    }

    /// Writes a plan's job-ledger actions in one transaction that also records them as
    /// completed in `run`: a job is in the ledger exactly when the run says so.
    public func applyLedgerActions(_ actions: [PlannedAction], commit: String, run: RunRecord) throws {
        guard !actions.isEmpty else { return }
        try connection.transaction {
            for action in actions { try jobs.apply(action, commit: commit) }
            try run.completed(actions.map(\.id))
        }
    }

    /// Writes a plan's database actions in one transaction that also records its changed gate
    /// decisions and finishes `run` with `outcome`: all of them or none. `check` runs first inside
    /// the transaction (the stale check, under the writers' lock, so nothing changes between it
    /// and the writes). Decisions go last: an experiment a decision names may be created here.
    /// Returns how many gate decisions it recorded.
    @discardableResult
    public func applyDatabaseActions(
        _ actions: [PlannedAction], gates: [GateReport] = [], commit: String, run: RunRecord, outcome: String,
        check: () throws -> Void
    ) throws -> Int {
        try connection.transaction {
            try check()
            try BatchWrites(single: PlanApplier(connection: connection, commit: commit)).apply(actions)
            let recorded = try recordGateDecisions(gates, commit: commit)
            try run.finish(outcome: outcome, completed: actions.map(\.id))
            return recorded
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
            INSERT INTO exp.reconcile_runs
                (commit_sha, ref, plan_digest, actions, outcome, error, started_at, finished_at, backend_pid)
            SELECT $1, $2, $3, $4::jsonb, 'refused', $5, clock_timestamp(), clock_timestamp(), pg_backend_pid()
            WHERE NOT EXISTS (
                SELECT 1 FROM (SELECT outcome, plan_digest FROM exp.reconcile_runs ORDER BY id DESC LIMIT 1) AS last
                WHERE last.outcome = 'refused' AND last.plan_digest = $3)
            """,
            [.text(plan.commit), ref.map(PostgresValue.text) ?? .null, .text(plan.digest),
             .json(JSONValue.array(plan.actions.map { .string($0.id) }).canonicalText), .text(reason)])
        return result.affectedRows == 1
    }

    /// The commit of the last run that applied a plan, nil before the first (or before the
    /// schema exists): what a fast-forward-only loop checks the branch against.
    public func lastAppliedCommit() throws -> String? {
        guard try isMigrated() else { return nil }
        let result = try connection.execute(
            "SELECT commit_sha FROM exp.reconcile_runs WHERE outcome = 'applied' ORDER BY id DESC LIMIT 1")
        return result.rows.isEmpty ? nil : result.string(0, "commit_sha")
    }

    /// Marks runs whose process died mid-apply as `interrupted` (every reconcile pass does it,
    /// and apply before it applies).
    public func markInterruptedRuns() throws {
        guard try isMigrated() else { return }
        try RunRecord.markInterrupted(connection)
    }
}
