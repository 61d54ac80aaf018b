import ExpctlDatasets
import ExpctlMLflow
import ExpctlModel
import ExpctlTraining
import Foundation

/// Trains expctl's reference model (`runner: builtin`) in-process and logs it the way the
/// logging rules ask: params, per-epoch `train_loss` and `val_loss`, tags, and the `model`,
/// `tokenizer` and `config` artifacts.
struct BuiltinTrainer {
    /// Trains on the dataset folder and logs into `run`; returns the training samples used.
    func run(
        _ training: TrainingConfig, run: MLflowRun, datasetFolder: URL, client: MLflowClient, context: JobContext
    ) throws -> TrainingResult {
        let rowsBytes = try Array(Data(contentsOf: datasetFolder.appendingPathComponent(DatasetFiles.rows)))
        let catalogBytes = try Array(Data(contentsOf: datasetFolder.appendingPathComponent(DatasetFiles.recipes)))
        let rows: [DatasetRow]
        let catalog: RecipeCatalog
        do {
            rows = try DatasetDecoder.rows(jsonl: rowsBytes)
            catalog = try RecipeCatalog(jsonl: catalogBytes)
        } catch {
            throw JobFailure.failed("dataset \(training.datasetVersion) cannot be read: \(error)")
        }
        let result: TrainingResult
        do {
            result = try ReferenceTrainer(config: ReferenceTrainingConfig(training)).train(rows: rows, catalog: catalog)
            {
                losses in
                context.progress(
                    JobProgress(
                        job: context.job.key, step: "training", done: losses.epoch, total: training.epochs,
                        unit: "epochs"))
                return !context.isCancelled
            }
        } catch .stopped {
            throw JobFailure.cancelled
        } catch {
            throw JobFailure.failed("training failed: \(error)")
        }
        try context.checkCancelled()
        let now = TrainingRun.milliseconds()
        var metrics: [MLflowMetric] = []
        for epoch in result.history {
            metrics.append(
                MLflowMetric(key: "train_loss", value: epoch.trainLoss, timestamp: now, step: Int64(epoch.epoch)))
            if let validation = epoch.validationLoss {
                metrics.append(
                    MLflowMetric(key: "val_loss", value: validation, timestamp: now, step: Int64(epoch.epoch)))
            }
        }
        metrics.append(MLflowMetric(key: "training_samples", value: Double(result.trainingSamples), timestamp: now))
        metrics.append(MLflowMetric(key: "validation_samples", value: Double(result.validationSamples), timestamp: now))
        let batch = try MLflowBatch(params: Self.params(training), metrics: metrics)
        for request in batch.requests { try client.logBatch(runID: run.id, request) }
        let artifacts = result.artifacts
        let uploads: [(String, [UInt8])] = [
            ("model/model.json", artifacts.model), ("model/tokenizer.json", artifacts.tokenizer),
            ("model/config.json", artifacts.config), ("tokenizer/tokenizer.json", artifacts.tokenizer),
            ("config/training.json", Array(JSONValue.object(training.jobInputs).prettyText.utf8)),
            ("config/hyperparameters.json", artifacts.config),
        ]
        for (path, bytes) in uploads { try client.uploadArtifact(bytes, to: path, under: run.artifactURI) }
        return result
    }

    /// The params every training logs (the logging rules), from the config.
    static func params(_ training: TrainingConfig) -> [String: String] {
        [
            "learning_rate": String(training.learningRate), "batch_size": String(training.batchSize),
            "epochs": String(training.epochs), "dataset_version": training.datasetVersion,
            "model_base": training.baseModel, "fine_tuning_method": training.fineTuningMethod.rawValue,
            "seed": String(training.seed), "runner": "builtin",
        ]
    }
}
