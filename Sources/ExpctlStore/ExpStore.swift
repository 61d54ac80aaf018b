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
        public var actionsApplied: Int
        public var runID: Int64
    }

    /// Applies every action of `plan` in one transaction and records the run in
    /// `exp.reconcile_runs` (the ids of its actions and `Plan.digest`); a failure rolls
    /// everything back, is recorded as a failed run, and names the action that failed. With
    /// `expectedDigest`, the actual state must still have that digest (the plan is not stale).
    @discardableResult
    public func apply(_ plan: Plan, ref: String?, expectedDigest: String? = nil) throws -> ApplyOutcome {
        guard plan.isApplicable else { throw StoreError.planHasProblems(plan.problems.count) }
        let startedAt = try now()
        let actions = JSONValue.array(plan.actions.map { .string($0.id) }).canonicalText
        let digest = plan.digest
        do {
            return try connection.transaction {
                // One writer at a time: a reconciler holds this lock for its session (and so
                // passes here); anyone else applying meanwhile is refused, not interleaved.
                guard try connection.execute(
                    "SELECT pg_try_advisory_xact_lock($1) AS acquired", [.integer(ReconcilerLock.key)]
                ).bool(0, "acquired") == true else {
                    throw StoreError.locked(try ReconcilerLock(connection: connection).holder())
                }
                // Checked inside the transaction, under the lock: nothing can change in between.
                if let expectedDigest, self.digest(of: try actualState()) != expectedDigest {
                    throw StoreError.stale
                }
                try BatchInserts(single: PlanApplier(connection: connection, commit: plan.commit)).apply(plan.actions)
                let runID = try record(
                    plan, ref: ref, digest: digest, actions: actions, outcome: plan.hasChanges ? "applied" : "no_changes", error: nil,
                    startedAt: startedAt)
                return ApplyOutcome(actionsApplied: plan.actions.count, runID: runID)
            }
        } catch StoreError.stale {
            throw StoreError.stale
        } catch {
            _ = try? record(plan, ref: ref, digest: digest, actions: actions, outcome: "failed", error: "\(error)", startedAt: startedAt)
            throw error
        }
    }

    private func record(
        _ plan: Plan, ref: String?, digest: String, actions: String, outcome: String, error: String?, startedAt: String
    ) throws -> Int64 {
        let result = try connection.execute(
            """
            INSERT INTO exp.reconcile_runs (commit_sha, ref, plan_digest, actions, outcome, error, started_at, finished_at)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::timestamptz, clock_timestamp())
            RETURNING id
            """,
            [.text(plan.commit), ref.map(PostgresValue.text) ?? .null, .text(digest), .json(actions), .text(outcome),
             error.map(PostgresValue.text) ?? .null, .text(startedAt)])
        return result.int(0, "id") ?? 0
    }

    private func now() throws -> String {
        try connection.execute("SELECT clock_timestamp()::text AS now").string(0, "now") ?? ""
    }
}
