public import ExpctlDatasets
public import ExpctlMLflow
public import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres
public import ExpctlStore
import ExpctlTraining
public import Foundation

/// Runs evaluation jobs: the offline replay of a registered version against its baseline on
/// the same rows (the dataset's validation rows; all of them when it has none), scored by
/// expctl. Records the evaluation in MLflow (a run linked to the version, `evaluation.json`),
/// in `exp.offline_replay_results` and, per row, in `exp.offline_replay_rows`.
public final class EvaluationJobExecutor: JobExecutor {
    public let kind = JobKind.evaluation
    private let store: DatasetStore
    private let mlflow: MLflowSettings
    private let database: ConnectionSettings
    private let environment: [String: String]
    private let workingDirectory: String
    private let placement: CommandPlacement
    private let code: (any CodeSource)?

    /// - Parameters:
    ///   - placement: where `evaluation.command` programs run.
    ///   - code: the repository the training's code package is read from.
    public init(
        store: DatasetStore, mlflow: MLflowSettings, database: ConnectionSettings, environment: [String: String],
        workingDirectory: String = FileManager.default.currentDirectoryPath, placement: CommandPlacement = .local,
        code: (any CodeSource)? = nil
    ) {
        self.store = store
        self.mlflow = mlflow
        self.database = database
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.placement = placement
        self.code = code
    }

    public func run(_ job: JobLedger.Claim, context: JobContext) throws -> [String: JSONValue] {
        let inputs = try EvaluationInputs(job.inputs)
        let dataset = try DatasetMetadata.verified(inputs.datasetVersion, in: store)
        if let digest = inputs.datasetDigest, digest != dataset.contentDigest {
            throw JobFailure.failed(
                "dataset \(inputs.datasetVersion) has digest \(dataset.contentDigest.prefix(12)), "
                    + "the evaluation was planned on \(digest.prefix(12))")
        }
        let folder = try store.folder(inputs.datasetVersion)
        let (rows, catalog) = try EvaluationRows.load(folder)
        let client = mlflow.makeClient()
        let executor = placement.executor(store: store, code: code)
        // On a cluster the rows, models and predictions go where its nodes see them: the store.
        let scratchRoot =
            executor.ledgerName == nil
            ? FileManager.default.temporaryDirectory : store.root.appendingPathComponent(".expctl-scratch")
        let scratch = scratchRoot.appendingPathComponent("expctl-evaluation-\(job.id)-\(job.attempt)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let candidate = try ReplayableModel.load(
            inputs.modelName, version: inputs.modelVersion, client: client, catalog: catalog,
            into: scratch.appendingPathComponent("candidate"))
        let baseline = try inputs.baselineVersion.map {
            try ReplayableModel.load(
                inputs.modelName, version: $0, client: client, catalog: catalog,
                into: scratch.appendingPathComponent("baseline"))
        }
        context.progress(JobProgress(job: job.key, step: "evaluation", done: 0, total: rows.count, unit: "rows"))
        let replay = EvaluationReplay(
            command: inputs.command, mlflow: mlflow, environment: environment, workingDirectory: workingDirectory,
            scratch: scratch, context: context, executor: executor, code: inputs.code)
        let scorer = OfflineScorer(catalog: catalog)
        let scored = try replay.score(
            candidate: candidate, baseline: baseline, rows: rows, scorer: scorer, inputs: inputs)
        context.progress(
            JobProgress(job: job.key, step: "evaluation", done: rows.count, total: rows.count, unit: "rows"))
        try context.checkCancelled()
        let candidateMetrics = try scored.candidate.metrics(weights: inputs.weights)
        let baselineMetrics = try scored.baseline.map { try $0.metrics(weights: inputs.weights) }
        let runID = try EvaluationRecord.logToMLflow(
            inputs, job: job, dataset: dataset, folder: folder, candidate: candidateMetrics, baseline: baselineMetrics,
            client: client)
        let record = try EvaluationRecord.storeRecord(
            inputs, job: job, dataset: dataset, runID: runID, candidate: scored.candidate, baseline: scored.baseline,
            candidateMetrics: candidateMetrics, baselineMetrics: baselineMetrics)
        let stored = try ExpStore(connection: try PostgresConnection(database)).recordOfflineReplay(record)
        var result: [String: JSONValue] = [
            "offline_replay_result_id": .string(stored.id), "mlflow_run_id": .string(runID),
            "offline_eval_score": .double(record.offlineEvalScore), "rows": .integer(Int64(rows.count)),
        ]
        result["baseline_offline_eval_score"] = record.baselineScore.map(JSONValue.double) ?? .null
        return result
    }
}
