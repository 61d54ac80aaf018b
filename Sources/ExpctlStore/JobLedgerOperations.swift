import ExpctlModel
public import ExpctlPlan
import ExpctlPostgres

/// A job as `expctl jobs` shows it: the planner's view plus its lease and times.
public struct JobRecord: Sendable, Hashable {
    public var job: LedgerJob
    public var leaseOwner: String?
    /// RFC 3339 texts, as PostgreSQL gives them in UTC.
    public var leaseExpiresAt: String?
    public var heartbeatAt: String?
    public var createdAt: String
    public var startedAt: String?
    public var finishedAt: String?
}

/// What a person does to a job by hand (`expctl jobs cancel`, `jobs retry`), and the listing.
extension JobLedger {
    /// Every job with its lease and times, oldest first.
    public func records() throws -> [JobRecord] {
        let state = try read()
        let rows = try connection.execute(
            """
            SELECT id::text, lease_owner, \(Self.utc("lease_expires_at")), \(Self.utc("heartbeat_at")),
                   \(Self.utc("created_at")), \(Self.utc("started_at")), \(Self.utc("finished_at"))
            FROM exp.jobs
            """)
        var times: [String: Int] = [:]
        for row in rows.rows.indices { if let id = rows.string(row, "id") { times[id] = row } }
        return state.jobs.compactMap { job in
            guard let row = times[job.id] else { return nil }
            return JobRecord(
                job: job, leaseOwner: rows.string(row, "lease_owner"),
                leaseExpiresAt: rows.string(row, "lease_expires_at"),
                heartbeatAt: rows.string(row, "heartbeat_at"), createdAt: rows.string(row, "created_at") ?? "",
                startedAt: rows.string(row, "started_at"), finishedAt: rows.string(row, "finished_at"))
        }
    }

    /// The job whose id is `id` or starts with it (at least 8 characters, like a short commit);
    /// nil when none does. More than one match is an error that lists them.
    public func record(matching id: String) throws -> JobRecord? {
        let all = try records()
        if let exact = all.first(where: { $0.job.id == id }) { return exact }
        guard id.count >= 8 else { return nil }
        let matches = all.filter { $0.job.id.hasPrefix(id.lowercased()) }
        guard matches.count <= 1 else { throw StoreError.ambiguousJobID(id, matches: matches.map(\.job.id)) }
        return matches.first
    }

    /// Cancels a pending or running job; a runner holding it notices at its next heartbeat and
    /// stops. False when the job was already final.
    public func cancel(_ id: String, reason: String) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs
            SET state = 'cancelled', error = $2, lease_owner = NULL, lease_expires_at = NULL,
                finished_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = $1::uuid AND state IN ('pending', 'running')
            """,
            [.text(id), .text(reason)]
        ).affectedRows == 1
    }

    /// Makes a failed job pending again, for a runner to claim; its attempts and first start
    /// are kept, its error cleared. False when the job had not failed.
    public func retry(_ id: String) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs
            SET state = 'pending', error = NULL, finished_at = NULL, execution = NULL, updated_at = clock_timestamp()
            WHERE id = $1::uuid AND state = 'failed'
            """,
            [.text(id)]
        ).affectedRows == 1
    }

    /// Gives `owner`'s running job back, pending, for another runner (the runner is stopping);
    /// false when it was no longer its own.
    public func release(_ id: String, owner: String) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs
            SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
            WHERE id = $1::uuid AND state = 'running' AND lease_owner = $2
            """,
            [.text(id), .text(owner)]
        ).affectedRows == 1
    }

    private static func utc(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS \(column)"
    }
}
