public import ExpctlDatasets
public import ExpctlMLflow
public import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres
public import ExpctlStore

/// Runs dataset jobs: builds the dataset the job's inputs declare into the store, and, with an
/// MLflow server, records it there as a run of its own (`DatasetRunLog`).
public final class DatasetJobExecutor: JobExecutor {
    public let kind = JobKind.dataset
    private let store: DatasetStore
    private let settings: ConnectionSettings
    private let mlflow: MLflowSettings?

    public init(store: DatasetStore, settings: ConnectionSettings, mlflow: MLflowSettings?) {
        self.store = store
        self.settings = settings
        self.mlflow = mlflow
    }

    public func run(_ job: JobLedger.Claim, context: JobContext) throws -> [String: JSONValue] {
        let origin = SourceLocation(path: "exp.jobs/\(job.id)", line: 1, column: 1)
        let dataset: DatasetConfig
        switch DatasetConfig.fromJobInputs(job.inputs, origin: origin) {
        case .success(let config): dataset = config
        case .failure(let error): throw JobFailure.failed("\(error); the job cannot be built as recorded")
        }
        guard dataset.inputsDigest == job.key.inputsDigest else {
            throw JobFailure.failed("the job's inputs do not have its digest \(job.key.shortDigest)")
        }
        let connection = try PostgresConnection(settings)
        let builder = DatasetBuilder(store: store, connection: connection)
        let result: DatasetBuildResult
        do {
            result = try builder.build(dataset) { progress in
                context.progress(
                    JobProgress(
                        job: job.key, step: "dataset build", done: progress.rows, total: progress.expectedRows,
                        unit: "rows"))
            }
        } catch let error as DatasetBuildError {
            throw JobFailure.failed(error.description)
        }
        try context.checkCancelled()
        var jobResult = result.jobResult
        if let mlflow {
            let metadata = try DatasetMetadata.read(dataset.name, in: store)
            let folder = try store.folder(dataset.name)
            jobResult["mlflow_run_id"] = .string(
                try DatasetRunLog.record(
                    metadata, task: dataset.task, folder: folder, job: job, client: mlflow.makeClient()))
        }
        return jobResult
    }
}
