import ExpctlDatasets
import ExpctlMLflow
import ExpctlModel
import ExpctlStore
import ExpctlTraining
import Foundation

/// Where an evaluation's results go: an MLflow run in `<model>_evaluation` linked to the model
/// version (its tags name the run), with 004's `evaluation.json`; and the store's record.
enum EvaluationRecord {
    /// Logs the evaluation as a run (found by the job's tag when an earlier attempt finished it)
    /// and tags the model version with it. Returns the run's id.
    static func logToMLflow(
        _ inputs: EvaluationInputs, job: JobLedger.Claim, dataset: DatasetMetadata, folder: URL,
        candidate: [String: JSONValue], baseline: [String: JSONValue]?, client: MLflowClient
    ) throws -> String {
        let experiment = try client.ensureExperiment(name: "\(inputs.modelName)_evaluation")
        let earlier = try client.runs(experimentID: experiment.id, taggedWith: [TrainingRun.jobTag: job.id])
        let now = TrainingRun.milliseconds()
        for orphan in earlier where orphan.status == .running {
            try client.updateRun(id: orphan.id, status: .failed, endTime: now)
        }
        let id: String
        if let finished = earlier.first(where: { $0.status == .finished }) {
            id = finished.id
        } else {
            var tags = [
                TrainingRun.jobTag: job.id, "model_name": inputs.modelName, "model_version": inputs.modelVersion,
                "dataset_version": inputs.datasetVersion, "scorer_version": EvaluationIdentity.scorerVersion,
            ]
            if let baseline = inputs.baselineVersion { tags["baseline_version"] = baseline }
            id = try client.createRun(
                experimentID: experiment.id, name: "\(inputs.modelName) v\(inputs.modelVersion) offline replay",
                startTime: now, tags: tags)
            guard let run = try client.run(id: id) else { throw JobFailure.failed("MLflow does not return run \(id)") }
            try client.logInputs(runID: id, [DatasetRunLog.input(dataset, folder: folder, context: "evaluation")])
            var metrics: [MLflowMetric] = []
            for (name, value) in candidate.sorted(by: { $0.key < $1.key }) {
                if let number = value.number { metrics.append(MLflowMetric(key: name, value: number, timestamp: now)) }
            }
            for (name, value) in (baseline ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let number = value.number {
                    metrics.append(MLflowMetric(key: "baseline_\(name)", value: number, timestamp: now))
                }
            }
            for request in try MLflowBatch(metrics: metrics).requests { try client.logBatch(runID: id, request) }
            let document = evaluationJSON(inputs, candidate: candidate, baseline: baseline)
            try client.uploadArtifact(Array(document.prettyText.utf8), to: "evaluation.json", under: run.artifactURI)
            try client.updateRun(id: id, status: .finished, endTime: TrainingRun.milliseconds())
        }
        try client.setModelVersionTag(
            inputs.modelName, version: inputs.modelVersion, key: "expctl.evaluation_run", value: id)
        if let score = candidate["offline_eval_score"]?.number {
            try client.setModelVersionTag(
                inputs.modelName, version: inputs.modelVersion, key: "offline_eval_score", value: String(score))
        }
        return id
    }

    /// 004's `evaluation.json`: the model and dataset versions and the metrics, `quality_score`
    /// (the offline score), `latency_ms` and `cost_per_1k_tokens` among them; and the baseline's.
    static func evaluationJSON(
        _ inputs: EvaluationInputs, candidate: [String: JSONValue], baseline: [String: JSONValue]?
    ) -> JSONValue {
        var metrics = candidate
        metrics["quality_score"] = candidate["offline_eval_score"] ?? .null
        var document: [String: JSONValue] = [
            "model_name": .string(inputs.modelName), "model_version": .string(inputs.modelVersion),
            "dataset_version": .string(inputs.datasetVersion),
            "scorer_version": .string(EvaluationIdentity.scorerVersion),
            "metrics": .object(metrics),
        ]
        document["baseline"] =
            baseline.map { metrics in
                .object(["model_version": .string(inputs.baselineVersion ?? ""), "metrics": .object(metrics)])
            } ?? .null
        return .object(document)
    }

    static func storeRecord(
        _ inputs: EvaluationInputs, job: JobLedger.Claim, dataset: DatasetMetadata, runID: String,
        candidate: ReplayEvaluation, baseline: ReplayEvaluation?, candidateMetrics: [String: JSONValue],
        baselineMetrics: [String: JSONValue]?
    ) throws -> OfflineReplayRecord {
        func rows(_ evaluation: ReplayEvaluation, _ role: OfflineReplayRowScores.Role) -> [OfflineReplayRowScores] {
            zip(evaluation.rowIDs, evaluation.rows).map { id, scores in
                OfflineReplayRowScores(
                    role: role, rowID: id,
                    scores: [
                        scores.planAlignment, scores.mealDiversity, scores.leftoversUtility, scores.constraintRespect,
                        scores.editDistance, scores.costLatency,
                    ],
                    violations: scores.violations.count)
            }
        }
        return OfflineReplayRecord(
            modelName: inputs.modelName, modelVersion: inputs.modelVersion, baselineVersion: inputs.baselineVersion,
            datasetVersion: inputs.datasetVersion, datasetDigest: dataset.contentDigest,
            scorerVersion: EvaluationIdentity.scorerVersion, runID: runID, jobID: job.id, metrics: candidateMetrics,
            offlineEvalScore: try candidate.offlineEvalScore(weights: inputs.weights),
            baselineMetrics: baselineMetrics, baselineScore: try baseline?.offlineEvalScore(weights: inputs.weights),
            rows: rows(candidate, .candidate) + (baseline.map { rows($0, .baseline) } ?? []))
    }
}

extension JSONValue {
    /// The value as a number, for metrics.
    var number: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
}
