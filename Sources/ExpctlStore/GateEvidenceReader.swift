import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStatistics

/// Reads what the gates judge from the `exp` schema, aggregated in PostgreSQL: the offline
/// replays with their per-row differences reduced to (n, mean, M2) per metric, the running
/// experiments' units and per-unit metric sums per variant, and each gate's latest decision.
enum GateEvidenceReader {
    /// The statements `read` runs, in its order, with their parameters (every experiment's
    /// assigned units; the events above the watermark as it is now).
    static func statements(
        _ connection: PostgresConnection
    ) throws -> [(name: String, sql: String, parameters: [PostgresValue])] {
        [
            ("offline evaluations", evaluationsSQL, [.text(EvaluationIdentity.scorerVersion)]),
            ("online evidence", OnlineEvidenceQuery.sql, [.integer(try UnitMetrics.watermark(connection))]),
            ("decisions", decisionsSQL, []),
            ("assigned units per bucket", assignedSQL, [.null]),
        ]
    }

    static func read(_ connection: PostgresConnection, assignmentsOf experiments: Set<String>?) throws
        -> GateObservation
    {
        GateObservation(
            evaluations: try evaluations(connection), online: try OnlineEvidenceQuery.read(connection),
            decisions: try decisions(connection), assigned: try assigned(connection, of: experiments))
    }

    /// The replay metrics whose per-row differences the paired tests need.
    static let replayMetrics = OfflineGates.replayMetrics

    /// The offline replays of the current scorer (`$1`), each with its per-row differences reduced.
    static var evaluationsSQL: String {
        let differences = replayMetrics.map { metric in
            """
            avg(c.\(metric) - b.\(metric)) AS \(metric)_mean,
                       coalesce(var_samp(c.\(metric) - b.\(metric)), 0) * (count(*) - 1) AS \(metric)_m2
            """
        }.joined(separator: ",\n           ")
        return """
            SELECT r.mlflow_model_name, r.mlflow_model_version, r.baseline_model_version, r.dataset_version,
                   r.dataset_digest, r.rows, r.offline_eval_score, r.baseline_offline_eval_score, r.metrics::text,
                   r.baseline_metrics::text, d.*
            FROM exp.offline_replay_results r
            LEFT JOIN LATERAL (
                SELECT count(*) AS paired_rows,
                       \(differences)
                FROM exp.offline_replay_rows c
                JOIN exp.offline_replay_rows b
                  ON b.result_id = c.result_id AND b.row_id = c.row_id AND b.model_role = 'baseline'
                WHERE c.result_id = r.id AND c.model_role = 'candidate'
            ) d ON true
            WHERE r.scorer_version = $1
            ORDER BY r.created_at, r.id
            """
    }

    static func evaluations(_ connection: PostgresConnection) throws -> [OfflineEvaluation] {
        let result = try connection.execute(evaluationsSQL, [.text(EvaluationIdentity.scorerVersion)])
        return try result.rows.indices.map { row in
            func text(_ column: String) throws -> String {
                guard let value = result.string(row, column) else {
                    throw StoreError.corruptRow(table: "exp.offline_replay_results", detail: "\(column) is NULL")
                }
                return value
            }
            let paired = Int(result.int(row, "paired_rows") ?? 0)
            var moments: [String: RunningMoments] = [:]
            if paired > 0 {
                for metric in replayMetrics {
                    guard let mean = result.double(row, "\(metric)_mean"), let m2 = result.double(row, "\(metric)_m2")
                    else { continue }
                    moments[metric] = RunningMoments(count: paired, mean: mean, sumOfSquaredDeviations: max(0, m2))
                }
            }
            return OfflineEvaluation(
                model: try text("mlflow_model_name"), version: try text("mlflow_model_version"),
                baselineVersion: result.string(row, "baseline_model_version"),
                datasetVersion: try text("dataset_version"), datasetDigest: result.string(row, "dataset_digest"),
                rows: Int(result.int(row, "rows") ?? 0),
                candidateScore: result.double(row, "offline_eval_score") ?? 0,
                baselineScore: result.double(row, "baseline_offline_eval_score"),
                candidateMeans: means(result.string(row, "metrics")),
                baselineMeans: means(result.string(row, "baseline_metrics")), differences: moments)
        }
    }

    private static func means(_ text: String?) -> [String: Double] {
        guard let text, case .object(let fields)? = JSONValue(parsing: text) else { return [:] }
        return fields.compactMapValues { value in
            switch value {
            case .double(let number): number
            case .integer(let number): Double(number)
            default: nil
            }
        }
    }

    /// Units per bucket and variant of the experiments named in the JSON array `$1` (NULL: all)
    /// that are not archived.
    static let assignedSQL = """
        SELECT e.name AS experiment, a.bucket, v.name AS variant, count(*) AS units
        FROM exp.assignments a
        JOIN exp.experiments e ON e.id = a.experiment_id AND e.archived_at IS NULL
        JOIN exp.variants v ON v.id = a.variant_id
        WHERE $1::jsonb IS NULL OR e.name IN (SELECT jsonb_array_elements_text($1::jsonb))
        GROUP BY e.name, a.bucket, v.name
        """

    /// Units per bucket and variant of the experiments named (nil: all) that are not archived.
    static func assigned(_ connection: PostgresConnection, of experiments: Set<String>?) throws
        -> [String: [AssignedUnits]]
    {
        if let experiments, experiments.isEmpty { return [:] }
        let names = experiments.map { JSONValue.array($0.sorted().map(JSONValue.string)).canonicalText }
        let result = try connection.execute(assignedSQL, [names.map(PostgresValue.json) ?? .null])
        var assigned: [String: [AssignedUnits]] = [:]
        for row in result.rows.indices {
            guard let experiment = result.string(row, "experiment"), let variant = result.string(row, "variant"),
                let bucket = result.int(row, "bucket"), let units = result.int(row, "units")
            else { throw StoreError.corruptRow(table: "exp.assignments", detail: "a bucket without its experiment") }
            assigned[experiment, default: []].append(
                AssignedUnits(bucket: Int(bucket), variant: variant, units: Int(units)))
        }
        return assigned
    }

    static let decisionsSQL = """
        SELECT DISTINCT ON (subject, gate) subject, gate, verdict, evidence_digest, evidence->'state' AS state,
               mlflow_model_version
        FROM exp.gate_decisions
        WHERE gate IN ('offline', 'online', 'lifecycle')
        ORDER BY subject, gate, id DESC
        """

    static func decisions(_ connection: PostgresConnection) throws -> [GateSubject: RecordedGateDecision] {
        let result = try connection.execute(decisionsSQL)
        var decisions: [GateSubject: RecordedGateDecision] = [:]
        for row in result.rows.indices {
            guard let subject = result.string(row, "subject"),
                let gate = result.string(row, "gate").flatMap(GateKind.init),
                let verdict = result.string(row, "verdict").flatMap(GateVerdict.init),
                let digest = result.string(row, "evidence_digest")
            else {
                throw StoreError.corruptRow(table: "exp.gate_decisions", detail: "a row lacks its subject or verdict")
            }
            decisions[GateSubject(kind: gate, subject: subject)] = RecordedGateDecision(
                verdict: verdict, evidenceDigest: digest,
                state: result.string(row, "state").flatMap { JSONValue(parsing: $0) },
                version: result.string(row, "mlflow_model_version"))
        }
        return decisions
    }
}
