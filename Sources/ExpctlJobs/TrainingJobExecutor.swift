public import ExpctlDatasets
public import ExpctlMLflow
public import ExpctlModel
public import ExpctlPlan
public import ExpctlStore
public import Foundation

/// Runs training jobs: trains with the builtin reference model or the team's command into an
/// MLflow run expctl creates, checks the logging rules, and registers the run's model as a
/// version of the training's model, exactly once per job.
///
/// Before anything else it looks for a version an earlier attempt of the same job registered
/// (the process may have died between MLflow's answer and the ledger's update): that version is
/// the job's result, and nothing is trained again.
public final class TrainingJobExecutor: JobExecutor {
    public let kind = JobKind.training
    private let store: DatasetStore
    private let mlflow: MLflowSettings
    private let environment: [String: String]
    private let workingDirectory: String
    private let placement: CommandPlacement
    private let code: (any CodeSource)?

    /// - Parameters:
    ///   - placement: where `runner: command` programs run.
    ///   - code: the repository the jobs' code packages are read from; without one, a command
    ///     runs in `workingDirectory`.
    public init(
        store: DatasetStore, mlflow: MLflowSettings, environment: [String: String],
        workingDirectory: String = FileManager.default.currentDirectoryPath, placement: CommandPlacement = .local,
        code: (any CodeSource)? = nil
    ) {
        self.store = store
        self.mlflow = mlflow
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.placement = placement
        self.code = code
    }

    public func run(_ job: JobLedger.Claim, context: JobContext) throws -> [String: JSONValue] {
        let origin = SourceLocation(path: "exp.jobs/\(job.id)", line: 1, column: 1)
        let training: TrainingConfig
        switch TrainingConfig.fromJobInputs(job.inputs, name: job.key.name, origin: origin) {
        case .success(let config): training = config
        case .failure(let error): throw JobFailure.failed("\(error); the job cannot be trained as recorded")
        }
        let dataset: DatasetMetadata
        do {
            dataset = try DatasetMetadata.verified(training.datasetVersion, in: store)
        } catch {
            throw JobFailure.failed("dataset \(training.datasetVersion) is not usable: \(error)")
        }
        let client = mlflow.makeClient()
        let recorder = TrainingRun(client: client, training: training, job: job)
        if let earlier = try recorder.earlierRegistration() {
            let ready = try recorder.waitUntilReady(earlier.version)
            if let runID = ready.runID, let run = try client.run(id: runID), run.status == .running {
                // The attempt that registered the version died before it could end its run.
                let metadata = metadataJSON(training, version: ready.version, dataset: dataset, samples: nil)
                try client.uploadArtifact(Array(metadata.prettyText.utf8), to: "metadata.json", under: run.artifactURI)
                try recorder.finish(runID, status: .finished)
            }
            return result(training, version: ready.version, runID: ready.runID ?? "", dataset: dataset, samples: nil)
        }
        let executor = placement.executor(store: store, code: code)
        let resumed = try resumedSubmission(job, training: training, executor: executor, client: client)
        let run = try resumed?.run ?? recorder.start()
        do {
            let folder = try store.folder(training.datasetVersion)
            var inputs = [DatasetRunLog.input(dataset, folder: folder, context: "training")]
            if training.evaluation.datasetVersion != training.datasetVersion,
                let evaluation = try? DatasetMetadata.read(training.evaluation.datasetVersion, in: store)
            {
                inputs.append(
                    DatasetRunLog.input(
                        evaluation, folder: try store.folder(evaluation.datasetVersion), context: "evaluation"))
            }
            if resumed == nil { try client.logInputs(runID: run.id, inputs) }
            var samples: Int?
            switch training.runner {
            case .builtin:
                samples = try BuiltinTrainer().run(
                    training, run: run, datasetFolder: folder, client: client, context: context
                ).trainingSamples
            case .command(let command):
                try CommandTrainer(
                    command: command, mlflow: mlflow, baseEnvironment: environment, workingDirectory: workingDirectory
                ).run(
                    training, run: run, datasetDirectory: folder.path, client: client, context: context,
                    executor: executor, resuming: resumed?.handle)
            }
            let missing = LoggingRules(requiresPolicyID: training.policy != nil).missing(
                in: try recorder.logged(run.id))
            guard missing.isEmpty else {
                throw JobFailure.failed(
                    "run \(run.id) did not log \(missing.joined(separator: ", ")): nothing was "
                        + "registered (every training logs the params, metrics, tags and artifacts of docs/training-workflow.md)"
                )
            }
            try context.checkCancelled()
            let version = try recorder.register(run.id, datasetDigest: dataset.contentDigest)
            let metadata = metadataJSON(training, version: version.version, dataset: dataset, samples: samples)
            try client.uploadArtifact(Array(metadata.prettyText.utf8), to: "metadata.json", under: run.artifactURI)
            try recorder.finish(run.id, status: .finished)
            return result(training, version: version.version, runID: run.id, dataset: dataset, samples: samples)
        } catch JobFailure.detached {
            throw JobFailure.detached  // the cluster's job goes on logging into the run
        } catch {
            try? recorder.finish(run.id, status: .failed)
            throw error
        }
    }

    /// The submission an earlier attempt of this job made and recorded, when the executor still
    /// has it: the job is followed to its end in that attempt's MLflow run, not submitted again.
    private func resumedSubmission(
        _ job: JobLedger.Claim, training: TrainingConfig, executor: any CommandExecutor, client: MLflowClient
    ) throws -> (run: MLflowRun, handle: CommandHandle)? {
        guard case .command = training.runner, let earlier = job.execution, earlier.executor == executor.ledgerName,
            let runID = earlier.runID, let handle = try executor.attach(earlier.submissionID, job: job.id),
            let run = try client.run(id: runID)
        else { return nil }
        return (run, handle)
    }

    private func result(
        _ training: TrainingConfig, version: String, runID: String, dataset: DatasetMetadata, samples: Int?
    ) -> [String: JSONValue] {
        var result: [String: JSONValue] = [
            TrainingResultKeys.modelName: .string(training.modelName),
            TrainingResultKeys.modelVersion: .string(version),
            TrainingResultKeys.runID: .string(runID), "dataset_digest": .string(dataset.contentDigest),
        ]
        if let samples { result["num_training_samples"] = .integer(Int64(samples)) }
        return result
    }

    /// 004's `metadata.json`: model version, base model, dataset version, the full training
    /// config and the number of training samples.
    private func metadataJSON(
        _ training: TrainingConfig, version: String, dataset: DatasetMetadata, samples: Int?
    ) -> JSONValue {
        .object([
            "model_name": .string(training.modelName), "model_version": .string(version),
            "base_model": .string(training.baseModel), "dataset_version": .string(training.datasetVersion),
            "dataset_digest": .string(dataset.contentDigest), "training_config": .object(training.jobInputs),
            "num_training_samples": samples.map { .integer(Int64($0)) } ?? .integer(Int64(dataset.trainSamples)),
        ])
    }
}
