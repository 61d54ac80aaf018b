import ExpctlModel
public import ExpctlPlan
import ExpctlPostgres

extension ExpStore {
    /// Appends to `exp.gate_decisions` each report whose verdict or material evidence differs
    /// from its subject's latest decision (read here, inside the caller's transaction, so two
    /// applies cannot record the same change twice under the writers' lock). Returns how many it
    /// recorded.
    @discardableResult
    public func recordGateDecisions(_ reports: [GateReport], commit: String) throws -> Int {
        guard !reports.isEmpty else { return 0 }
        let latest = try GateEvidenceReader.decisions(connection)
        var recorded = 0
        for report in reports
        where report.needsRecord(after: latest[GateSubject(kind: report.kind, subject: report.subject)]) {
            try connection.execute(
                """
                INSERT INTO exp.gate_decisions
                    (subject, gate, verdict, profile, mlflow_model_name, mlflow_model_version, baseline_model_version,
                     dataset_digest, experiment_id, evidence, evidence_digest, commit_sha)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                        (SELECT id FROM exp.experiments WHERE name = $9 AND archived_at IS NULL), $10::jsonb, $11, $12)
                """,
                [
                    .text(report.subject), .text(report.kind.rawValue), .text(report.verdict.rawValue),
                    .text(report.profile), optional(report.identity.model), optional(report.identity.version),
                    optional(report.identity.baselineVersion), optional(report.identity.datasetDigest),
                    optional(report.identity.experiment), .json(evidence(report).canonicalText),
                    .text(report.materialDigest), .text(commit),
                ])
            recorded += 1
        }
        return recorded
    }

    private func optional(_ text: String?) -> PostgresValue { text.map(PostgresValue.text) ?? .null }

    /// The evidence column: the report as the JSON plan shows it (headline, criteria with their
    /// figures, progress, the online tests' state).
    private func evidence(_ report: GateReport) -> JSONValue {
        guard case .object(var fields) = PlanJSON.gateReport(report) else { return .object([:]) }
        for key in ["gate", "subject", "profile", "verdict", "evidence_digest"] { fields[key] = nil }
        return .object(fields)
    }
}
