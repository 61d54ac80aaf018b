public import ExpctlPostgres

/// The session-level advisory lock that makes one reconciler at a time write to a database.
///
/// Held by the connection that took it until `release()` or the connection closes, so a
/// reconciler that dies frees it.
public struct ReconcilerLock {
    /// The key of the lock (ASCII "expctlrc").
    public static let key: Int64 = 0x6578_7063_746C_7263

    let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Takes the lock if it is free; false when another session holds it.
    public func tryAcquire() throws -> Bool {
        try connection.execute("SELECT pg_try_advisory_lock($1) AS acquired", [.integer(Self.key)]).bool(0, "acquired") ?? false
    }

    public func release() throws {
        try connection.execute("SELECT pg_advisory_unlock($1)", [.integer(Self.key)])
    }

    /// Who holds the lock, for the message of the reconciler that could not take it: e.g.
    /// "pid 4242 (expctl reconcile) from 10.0.0.7, since 2026-11-23 12:00:01+00".
    public func holder() throws -> String? {
        let result = try connection.execute("""
            SELECT a.pid::text AS pid, a.application_name, coalesce(host(a.client_addr), 'a local socket') AS client,
                   date_trunc('second', a.backend_start)::text AS since
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
            LIMIT 1
            """, [.integer(Self.key)])
        guard !result.rows.isEmpty else { return nil }
        let application = result.string(0, "application_name").flatMap { $0.isEmpty ? nil : $0 } ?? "unnamed"
        return "pid \(result.string(0, "pid") ?? "?") (\(application)) from \(result.string(0, "client") ?? "?"), since \(result.string(0, "since") ?? "?")"
    }
}
