public import ExpctlModel
import ExpctlPostgres

/// One offline replay as the store records it: the aggregate in `exp.offline_replay_results`,
/// the per-row scores of candidate and baseline in `exp.offline_replay_rows`.
public struct OfflineReplayRecord: Sendable, Hashable {
    public var modelName: String
    public var modelVersion: String
    public var baselineVersion: String?
    public var datasetVersion: String
    public var datasetDigest: String
    public var scorerVersion: String
    public var runID: String?
    public var jobID: String
    public var metrics: [String: JSONValue]
    public var offlineEvalScore: Double
    public var baselineMetrics: [String: JSONValue]?
    public var baselineScore: Double?
    public var rows: [OfflineReplayRowScores]

    public init(
        modelName: String, modelVersion: String, baselineVersion: String?, datasetVersion: String,
        datasetDigest: String,
        scorerVersion: String, runID: String?, jobID: String, metrics: [String: JSONValue], offlineEvalScore: Double,
        baselineMetrics: [String: JSONValue]?, baselineScore: Double?, rows: [OfflineReplayRowScores]
    ) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.baselineVersion = baselineVersion
        self.datasetVersion = datasetVersion
        self.datasetDigest = datasetDigest
        self.scorerVersion = scorerVersion
        self.runID = runID
        self.jobID = jobID
        self.metrics = metrics
        self.offlineEvalScore = offlineEvalScore
        self.baselineMetrics = baselineMetrics
        self.baselineScore = baselineScore
        self.rows = rows
    }
}

/// The scores of one row for one model.
public struct OfflineReplayRowScores: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case candidate, baseline }

    public var role: Role
    public var rowID: String
    /// plan_alignment, meal_diversity, leftovers_utility, constraint_respect, edit_distance,
    /// cost_latency, in that order (the columns of `exp.offline_replay_rows`).
    public var scores: [Double]
    public var violations: Int

    public static let columns = [
        "plan_alignment_score", "meal_diversity_score", "leftovers_utility_score", "constraint_respect_score",
        "edit_distance_score", "cost_latency_score",
    ]

    public init(role: Role, rowID: String, scores: [Double], violations: Int) {
        precondition(scores.count == Self.columns.count, "one score per column")
        self.role = role
        self.rowID = rowID
        self.scores = scores
        self.violations = violations
    }
}

extension ExpStore {
    /// Records an evaluation, once: the same model version, dataset, baseline and scorer are
    /// one row. Returns its id and whether this call wrote it. An evaluation already recorded
    /// with another score is an error: replays are deterministic, so it means a scorer changed
    /// without its version.
    public func recordOfflineReplay(_ record: OfflineReplayRecord) throws -> (id: String, inserted: Bool) {
        try connection.transaction {
            let inserted = try connection.execute(
                """
                INSERT INTO exp.offline_replay_results
                    (mlflow_model_name, mlflow_model_version, baseline_model_version, dataset_version, dataset_digest,
                     scorer_version, mlflow_run_id, job_id, metrics, offline_eval_score, baseline_metrics,
                     baseline_offline_eval_score, rows)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid, $9::jsonb, $10, $11::jsonb, $12, $13)
                ON CONFLICT (mlflow_model_name, mlflow_model_version, dataset_version,
                             coalesce(baseline_model_version, ''), scorer_version) WHERE scorer_version IS NOT NULL
                DO NOTHING
                RETURNING id::text
                """,
                [
                    .text(record.modelName), .text(record.modelVersion),
                    record.baselineVersion.map(PostgresValue.text) ?? .null,
                    .text(record.datasetVersion), .text(record.datasetDigest), .text(record.scorerVersion),
                    record.runID.map(PostgresValue.text) ?? .null, .text(record.jobID),
                    .json(JSONValue.object(record.metrics).canonicalText), .double(record.offlineEvalScore),
                    record.baselineMetrics.map { .json(JSONValue.object($0).canonicalText) } ?? .null,
                    record.baselineScore.map(PostgresValue.double) ?? .null,
                    .integer(Int64(record.rows.filter { $0.role == .candidate }.count)),
                ])
            if !inserted.rows.isEmpty, let id = inserted.string(0, "id") {
                try copyRows(record.rows, result: id)
                return (id, true)
            }
            let existing = try connection.execute(
                """
                SELECT id::text, offline_eval_score FROM exp.offline_replay_results
                WHERE mlflow_model_name = $1 AND mlflow_model_version = $2 AND dataset_version = $3
                  AND coalesce(baseline_model_version, '') = $4 AND scorer_version = $5
                """,
                [
                    .text(record.modelName), .text(record.modelVersion), .text(record.datasetVersion),
                    .text(record.baselineVersion ?? ""), .text(record.scorerVersion),
                ])
            guard !existing.rows.isEmpty, let id = existing.string(0, "id"),
                let score = existing.double(0, "offline_eval_score")
            else {
                throw StoreError.corruptRow(
                    table: "exp.offline_replay_results", detail: "the recorded evaluation vanished")
            }
            guard score.bitPattern == record.offlineEvalScore.bitPattern else {
                throw StoreError.corruptRow(
                    table: "exp.offline_replay_results",
                    detail: "evaluation \(id) of \(record.modelName)/\(record.modelVersion) recorded score \(score), "
                        + "this replay gives \(record.offlineEvalScore) with the same scorer \(record.scorerVersion)")
            }
            return (id, false)
        }
    }

    private func copyRows(_ rows: [OfflineReplayRowScores], result: String) throws {
        let columns = OfflineReplayRowScores.columns.joined(separator: ", ")
        try connection.copyIn(
            "COPY exp.offline_replay_rows (result_id, model_role, row_id, \(columns), violations) FROM STDIN"
        ) { writer in
            for row in rows {
                try writer.append(result)
                try writer.append(row.role.rawValue)
                try writer.append(row.rowID)
                for score in row.scores { writer.append(score) }
                writer.append(row.violations)
                try writer.endRow()
            }
        }
    }
}
