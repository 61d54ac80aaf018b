public import ExpctlModel
public import ExpctlStore

extension OfflineReplayRecord {
    /// The replay the evaluation job with `inputs` (and id `jobID`) records in a test: 40 rows on
    /// which the candidate's alignment is `candidateScore` against the baseline's 0.70, the other
    /// metrics tie, and no row violates a constraint (0.80 passes the offline gate, 0.60 fails it).
    public static func forTest(inputs: [String: JSONValue], jobID: String, candidateScore: Double)
        -> OfflineReplayRecord
    {
        func text(_ key: String) -> String? { if case .string(let value)? = inputs[key] { value } else { nil } }
        let baseline = text("baseline_version")
        var rows: [OfflineReplayRowScores] = []
        for row in 0..<40 {
            let noise = Double(row % 4) * 0.01
            rows.append(
                OfflineReplayRowScores(
                    role: .candidate, rowID: "r\(row)", scores: [candidateScore + noise, 0.7, 0.7, 1, 0.7, 0.7],
                    violations: 0))
            if baseline != nil {
                rows.append(
                    OfflineReplayRowScores(
                        role: .baseline, rowID: "r\(row)", scores: [0.7 + noise, 0.7, 0.7, 1, 0.7, 0.7], violations: 0))
            }
        }
        let metrics: [String: JSONValue] = ["constraint_respect_score": .double(1)]
        return OfflineReplayRecord(
            modelName: text("model_name") ?? "", modelVersion: text("model_version") ?? "", baselineVersion: baseline,
            datasetVersion: text("dataset_version") ?? "",
            datasetDigest: text("dataset_digest") ?? ContentHash.hex("fixture"),
            scorerVersion: EvaluationIdentity.scorerVersion, runID: nil, jobID: jobID, metrics: metrics,
            offlineEvalScore: candidateScore, baselineMetrics: baseline == nil ? nil : metrics,
            baselineScore: baseline == nil ? nil : 0.7, rows: rows)
    }
}
