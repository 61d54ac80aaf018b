import ExpctlModel
public import ExpctlPostgres

/// A row of `exp.reconcile_runs` as an apply goes: written `running` before the first change,
/// told of each registry action as it completes, and finished as `applied` (in the same
/// transaction as the database changes) or `failed`.
public struct RunRecord {
    let connection: PostgresConnection
    public let id: Int64

    /// Runs left `running` by a process that died mid-apply become `interrupted`: those whose
    /// PostgreSQL backend is gone (a live apply keeps its connection open to the end), or that
    /// started before the server last started (its pid may be in use again).
    public static func markInterrupted(_ connection: PostgresConnection) throws {
        try connection.execute("""
            UPDATE exp.reconcile_runs r
            SET outcome = 'interrupted', finished_at = clock_timestamp(),
                error = 'the process applying it stopped before finishing; completed_actions lists what it finished (MLflow may have more), the next plan shows what is left'
            WHERE r.outcome = 'running'
              AND (r.started_at < pg_postmaster_start_time()
                   OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = r.backend_pid))
            """)
    }

    /// Records a run that starts now; committed at once (outside any transaction), so that it
    /// survives a crash of what follows.
    public static func begin(
        _ connection: PostgresConnection, commit: String, ref: String?, planDigest: String, actions: [String], waiting: [String]
    ) throws -> RunRecord {
        let result = try connection.execute(
            """
            INSERT INTO exp.reconcile_runs (commit_sha, ref, plan_digest, actions, waiting_actions, outcome, started_at, backend_pid)
            VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'running', clock_timestamp(), pg_backend_pid())
            RETURNING id
            """,
            [.text(commit), ref.map(PostgresValue.text) ?? .null, .text(planDigest), .json(idList(actions)), .json(idList(waiting))])
        return RunRecord(connection: connection, id: result.int(0, "id") ?? 0)
    }

    /// Appends completed action ids.
    public func completed(_ actions: [String]) throws {
        try connection.execute(
            "UPDATE exp.reconcile_runs SET completed_actions = completed_actions || $2::jsonb WHERE id = $1",
            [.integer(id), .json(Self.idList(actions))])
    }

    public func finish(outcome: String, completed actions: [String] = []) throws {
        try connection.execute(
            """
            UPDATE exp.reconcile_runs
            SET outcome = $2, completed_actions = completed_actions || $3::jsonb, finished_at = clock_timestamp()
            WHERE id = $1
            """,
            [.integer(id), .text(outcome), .json(Self.idList(actions))])
    }

    public func fail(_ error: String) throws {
        try connection.execute(
            "UPDATE exp.reconcile_runs SET outcome = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1",
            [.integer(id), .text(error)])
    }

    private static func idList(_ ids: [String]) -> String { JSONValue.array(ids.map(JSONValue.string)).canonicalText }
}
