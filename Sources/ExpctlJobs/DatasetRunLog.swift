import ExpctlDatasets
import ExpctlMLflow
import ExpctlModel
import ExpctlStore
import Foundation

/// How a built dataset appears in MLflow (seed 000, step 5): a run of its own in the task's
/// `<task>_datasets` experiment, tagged `dataset_version`, with `schema.json`,
/// `dataset_summary.md` and `metadata.json` as artifacts and the dataset as its input; and the
/// dataset input that training and evaluation runs log.
enum DatasetRunLog {
    /// The dataset as an MLflow input of a run, in `context` (`training`, `evaluation`, `build`).
    static func input(_ metadata: DatasetMetadata, folder: URL, context: String) -> MLflowDatasetInput {
        let columns = DatasetFiles.mlflowColumns
        return MLflowDatasetInput(
            name: metadata.datasetVersion, digest: String(metadata.contentDigest.prefix(36)),
            source: JSONValue.object([
                "uri": .string(folder.appendingPathComponent(DatasetFiles.parquet).absoluteString)
            ]).canonicalText,
            schema: MLflowDatasetInput.colspec(columns),
            profile: JSONValue.object([
                "num_rows": .integer(Int64(metadata.samples)), "train_rows": .integer(Int64(metadata.trainSamples)),
                "validation_rows": .integer(Int64(metadata.validationSamples)),
            ]).canonicalText,
            context: context)
    }

    /// Logs the build as a run, once per job: a run tagged with the job is found, not repeated.
    static func record(
        _ metadata: DatasetMetadata, task: String, folder: URL, job: JobLedger.Claim, client: MLflowClient
    ) throws -> String {
        let experiment = try client.ensureExperiment(name: "\(task)_datasets")
        let earlier = try client.runs(experimentID: experiment.id, taggedWith: [TrainingRun.jobTag: job.id])
        if let finished = earlier.first(where: { $0.status == .finished }) { return finished.id }
        let now = TrainingRun.milliseconds()
        for orphan in earlier where orphan.status == .running {
            try client.updateRun(id: orphan.id, status: .failed, endTime: now)
        }
        let id = try client.createRun(
            experimentID: experiment.id, name: "dataset \(metadata.datasetVersion)", startTime: now,
            tags: [
                "dataset_version": metadata.datasetVersion, "task": task, TrainingRun.jobTag: job.id,
                "expctl.content_digest": metadata.contentDigest,
            ])
        guard let run = try client.run(id: id) else { throw JobFailure.failed("MLflow does not return run \(id)") }
        try client.logInputs(runID: id, [input(metadata, folder: folder, context: "build")])
        for file in [DatasetFiles.schema, DatasetFiles.summary, DatasetStore.metadataFile] {
            let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(file)))
            try client.uploadArtifact(bytes, to: file, under: run.artifactURI)
        }
        try client.updateRun(id: id, status: .finished, endTime: TrainingRun.milliseconds())
        return id
    }
}
