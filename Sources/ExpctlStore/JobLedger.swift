public import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres

/// The job ledger, `exp.jobs`: reading it for the planner, the writes of a plan's job actions,
/// and the moves runners make (claim with a lease, heartbeat, succeed, fail).
///
/// Every move is one statement that names the state it moves from, so two runners, or a
/// runner and a plan, never both win: a move that matches no row did not happen.
public struct JobLedger {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    /// Every job, checked: a row that is not a job this expctl understands is an error, not
    /// something to plan from.
    public func read() throws -> JobLedgerState {
        let rows = try connection.execute("""
            SELECT id::text, kind, name, inputs_digest, inputs::text AS inputs, state, attempts, result::text AS result, error,
                   source_commit, source_path
            FROM exp.jobs ORDER BY created_at, id
            """)
        var jobs: [LedgerJob] = []
        jobs.reserveCapacity(rows.rows.count)
        for row in rows.rows.indices {
            func text(_ column: String) throws -> String {
                guard let value = rows.string(row, column) else {
                    throw StoreError.corruptRow(table: "exp.jobs", detail: "\(column) is NULL")
                }
                return value
            }
            let id = try text("id")
            func corrupt(_ detail: String) -> StoreError { .corruptRow(table: "exp.jobs", detail: "job \(id): \(detail)") }
            guard let kind = JobKind(rawValue: try text("kind")) else { throw corrupt("unknown kind \(try text("kind"))") }
            guard let state = JobState(rawValue: try text("state")) else { throw corrupt("unknown state \(try text("state"))") }
            guard case .object(let inputs)? = JSONValue(parsing: try text("inputs")) else {
                throw corrupt("inputs is not a JSON object")
            }
            var result: [String: JSONValue]?
            if let resultText = rows.string(row, "result") {
                guard case .object(let members)? = JSONValue(parsing: resultText) else {
                    throw corrupt("result is not a JSON object")
                }
                result = members
            }
            let job = LedgerJob(
                id: id, key: JobKey(kind: kind, name: try text("name"), inputsDigest: try text("inputs_digest")), state: state,
                attempts: Int(rows.int(row, "attempts") ?? 0), inputs: inputs, result: result, error: rows.string(row, "error"),
                provenance: Provenance(commit: try text("source_commit"), path: try text("source_path")))
            if kind == .dataset, state == .succeeded {
                guard case .string(let digest)? = result?[DatasetResultKeys.contentDigest], ContentHash.isHexDigest(digest) else {
                    throw corrupt("a succeeded dataset build must record content_digest as a SHA-256")
                }
            }
            if kind == .training, state == .succeeded {
                guard case .string(let version)? = result?[TrainingResultKeys.modelVersion], Self.isVersionNumber(version) else {
                    throw corrupt("a succeeded training must record model_version as a version number")
                }
            }
            jobs.append(job)
        }
        return JobLedgerState(jobs: jobs)
    }

    /// Carries out a plan's job action: a create inserts the pending job (nothing when the
    /// same inputs already have one; stamped with the clock, not the transaction's start, so
    /// the jobs of one plan are claimed in plan order), a retire cancels the name's pending and running jobs but
    /// the one it is superseded by.
    func apply(_ action: PlannedAction, commit: String) throws {
        guard case .job(let kind, let name) = action.address else {
            throw StoreError.actionFailed(action: action.id, cause: .unsupported)
        }
        do {
            switch action.kind {
            case .create:
                guard case .string(let digest)? = action.after("inputs_digest"),
                    case .object(let inputs)? = action.after("inputs")
                else {
                    throw StoreError.actionFailed(
                        action: action.id, cause: .malformed("a job create needs inputs_digest and inputs"))
                }
                try connection.execute(
                    """
                    INSERT INTO exp.jobs (kind, name, inputs_digest, inputs, source_commit, source_path, created_at)
                    VALUES ($1, $2, $3, $4::jsonb, $5, $6, clock_timestamp())
                    ON CONFLICT (kind, name, inputs_digest) WHERE state <> 'cancelled' DO NOTHING
                    """,
                    [.text(kind.rawValue), .text(name), .text(digest), .json(JSONValue.object(inputs).canonicalText),
                     .text(commit), .text(action.source?.path ?? "")])
            case .retire:
                var keeping: PostgresValue = .null
                if case .string(let digest)? = action.after("superseded_by") { keeping = .text(digest) }
                try connection.execute(
                    """
                    UPDATE exp.jobs
                    SET state = 'cancelled', lease_owner = NULL, lease_expires_at = NULL, finished_at = clock_timestamp(),
                        updated_at = clock_timestamp(), error = $4
                    WHERE kind = $1 AND name = $2 AND state IN ('pending', 'running') AND inputs_digest IS DISTINCT FROM $3
                    """,
                    [.text(kind.rawValue), .text(name), keeping, .text("cancelled by a plan of \(commit): \(action.reason)")])
            case .update:
                throw StoreError.actionFailed(action: action.id, cause: .unsupported)
            }
        } catch let error as PostgresError {
            throw StoreError.actionFailed(action: action.id, cause: .postgres(error))
        }
    }

    /// A job a runner claimed: its id, key and inputs.
    public struct Claim: Sendable, Hashable {
        public var id: String
        public var key: JobKey
        public var inputs: [String: JSONValue]
        public var attempt: Int
        /// The commit whose plan recorded the job.
        public var commit: String
        /// Where an earlier attempt submitted the job outside this process, to re-attach to.
        public var execution: ExternalExecution?
    }

    /// Claims the oldest pending job of `kinds`, or a running one whose lease expired (its
    /// runner died), for `owner` until `leaseSeconds` from now; nil when there is none.
    /// `FOR UPDATE SKIP LOCKED`, so runners claiming at once take different jobs.
    public func claim(owner: String, leaseSeconds: Double, kinds: [JobKind] = JobKind.allCases) throws -> Claim? {
        let result = try connection.execute(
            """
            UPDATE exp.jobs j
            SET state = 'running', lease_owner = $1, lease_expires_at = clock_timestamp() + make_interval(secs => $2::float8),
                heartbeat_at = clock_timestamp(), attempts = j.attempts + 1,
                started_at = coalesce(j.started_at, clock_timestamp()), updated_at = clock_timestamp()
            WHERE j.id = (
                SELECT id FROM exp.jobs
                WHERE kind = ANY($3::text[])
                  AND (state = 'pending' OR (state = 'running' AND lease_expires_at < clock_timestamp()))
                ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING j.id::text, j.kind, j.name, j.inputs_digest, j.inputs::text AS inputs, j.attempts, j.source_commit,
                      j.execution::text AS execution
            """,
            [.text(owner), .text(String(leaseSeconds)), .text(PostgresArray.literal(kinds.map(\.rawValue)))])
        guard !result.rows.isEmpty, let id = result.string(0, "id"), let kind = result.string(0, "kind").flatMap(JobKind.init),
            let name = result.string(0, "name"), let digest = result.string(0, "inputs_digest"),
            case .object(let inputs)? = result.string(0, "inputs").flatMap({ JSONValue(parsing: $0) })
        else { return nil }
        var execution: ExternalExecution?
        if let text = result.string(0, "execution") {
            guard let recorded = ExternalExecution(stored: text) else {
                throw StoreError.corruptRow(table: "exp.jobs", detail: "job \(id): execution is not a submission record")
            }
            execution = recorded
        }
        return Claim(
            id: id, key: JobKey(kind: kind, name: name, inputsDigest: digest), inputs: inputs,
            attempt: Int(result.int(0, "attempts") ?? 1), commit: result.string(0, "source_commit") ?? "",
            execution: execution)
    }

    /// Renews `owner`'s lease; false when the job is no longer its own (reclaimed, or cancelled).
    public func heartbeat(_ id: String, owner: String, leaseSeconds: Double) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs
            SET heartbeat_at = clock_timestamp(),
                lease_expires_at = clock_timestamp() + make_interval(secs => $3::float8)
            WHERE id = $1::uuid AND state = 'running' AND lease_owner = $2
            """,
            [.text(id), .text(owner), .text(String(leaseSeconds))]).affectedRows == 1
    }

    /// Whether the job was cancelled (rather than claimed by another runner).
    public func isCancelled(_ id: String) throws -> Bool {
        let result = try connection.execute("SELECT state FROM exp.jobs WHERE id = $1::uuid", [.text(id)])
        return !result.rows.isEmpty && result.string(0, "state") == "cancelled"
    }

    /// Records that `owner`'s job succeeded with `result`; false when it was no longer its own.
    public func succeed(_ id: String, owner: String, result: [String: JSONValue]) throws -> Bool {
        try finish(id, owner: owner, state: .succeeded, result: result, error: nil)
    }

    /// Records that `owner`'s job failed with `error`; false when it was no longer its own.
    public func fail(_ id: String, owner: String, error: String) throws -> Bool {
        try finish(id, owner: owner, state: .failed, result: nil, error: error)
    }

    private func finish(
        _ id: String, owner: String, state: JobState, result: [String: JSONValue]?, error: String?
    ) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs
            SET state = $3, result = $4::jsonb, error = $5, lease_owner = NULL, lease_expires_at = NULL,
                finished_at = clock_timestamp(), updated_at = clock_timestamp()
            WHERE id = $1::uuid AND state = 'running' AND lease_owner = $2
            """,
            [.text(id), .text(owner), .text(state.rawValue), result.map { .json(JSONValue.object($0).canonicalText) } ?? .null,
             error.map(PostgresValue.text) ?? .null]).affectedRows == 1
    }

    private static func isVersionNumber(_ text: String) -> Bool {
        guard let first = text.utf8.first, first != UInt8(ascii: "0") else { return false }
        return text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
