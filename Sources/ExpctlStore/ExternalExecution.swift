public import ExpctlModel
import ExpctlPostgres

/// Where a job's attempt runs outside this process (`exp.jobs.execution`): written before the
/// job is submitted, read back by the runner that claims the job next, which re-attaches to it.
public struct ExternalExecution: Sendable, Hashable {
    /// The executor that holds it, e.g. `ray`.
    public var executor: String
    /// The executor's id of the submission, chosen by expctl (`expctl-<job>-<attempt>`).
    public var submissionID: String
    /// The attempt that recorded it.
    public var attempt: Int
    /// The MLflow run the job logs into, when it has one.
    public var runID: String?
    /// The code package the job runs, e.g. `gcs://_ray_pkg_<hash>.zip`.
    public var package: String?

    public init(executor: String, submissionID: String, attempt: Int, runID: String? = nil, package: String? = nil) {
        self.executor = executor
        self.submissionID = submissionID
        self.attempt = attempt
        self.runID = runID
        self.package = package
    }

    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "executor": .string(executor), "submission_id": .string(submissionID), "attempt": .integer(Int64(attempt)),
        ]
        if let runID { fields["mlflow_run_id"] = .string(runID) }
        if let package { fields["package"] = .string(package) }
        return .object(fields)
    }

    /// The record as stored, checked: nil when the text is not one (a row to refuse, not guess at).
    init?(stored text: String) {
        guard case .object(let fields)? = JSONValue(parsing: text),
            case .string(let executor)? = fields["executor"], !executor.isEmpty,
            case .string(let submission)? = fields["submission_id"], !submission.isEmpty,
            case .integer(let attempt)? = fields["attempt"], attempt >= 1, attempt <= Int64(Int32.max)
        else { return nil }
        var runID: String?
        switch fields["mlflow_run_id"] {
        case .string(let value)?: runID = value
        case nil: runID = nil
        default: return nil
        }
        var package: String?
        switch fields["package"] {
        case .string(let value)?: package = value
        case nil: package = nil
        default: return nil
        }
        self.init(executor: executor, submissionID: submission, attempt: Int(attempt), runID: runID, package: package)
    }
}

extension JobLedger {
    /// Records where `owner`'s running job is about to be submitted; false when the job is no
    /// longer its own (nothing may then be submitted).
    public func recordExecution(_ id: String, owner: String, _ execution: ExternalExecution) throws -> Bool {
        try connection.execute(
            """
            UPDATE exp.jobs SET execution = $3::jsonb, updated_at = clock_timestamp()
            WHERE id = $1::uuid AND state = 'running' AND lease_owner = $2
            """,
            [.text(id), .text(owner), .json(execution.json.canonicalText)]
        ).affectedRows == 1
    }
}
