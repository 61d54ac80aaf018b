import ExpctlMLflow
import ExpctlModel
import ExpctlStore
import Foundation

/// The MLflow side of one training job: its experiment and run, the datasets it read, the
/// check of what it logged, and its registration, each step safe to repeat after a crash.
///
/// Runs and model versions are found by the job's tag (`expctl.job`), never assumed absent:
/// `runs/create` and `model-versions/create` are not idempotent in MLflow.
struct TrainingRun {
    static let jobTag = "expctl.job"
    static let trainingTag = "expctl.training"

    let client: MLflowClient
    let training: TrainingConfig
    let job: JobLedger.Claim

    /// The experiment a task's trainings log to, as the seeds name it (`planner_training`).
    var experimentName: String { "\(training.task)_training" }

    /// The model version an earlier attempt of this job registered, if one did.
    func earlierRegistration() throws -> MLflowModelVersion? {
        try client.modelVersion(training.modelName, taggedWith: [Self.jobTag: job.id])
    }

    /// Creates this attempt's run, after marking failed the runs of earlier attempts that
    /// never ended (their runner died). Returns the run.
    func start() throws -> MLflowRun {
        let experiment = try client.ensureExperiment(name: experimentName)
        let now = Self.milliseconds()
        for orphan in try client.runs(experimentID: experiment.id, taggedWith: [Self.jobTag: job.id])
        where orphan.status == .running {
            try client.updateRun(id: orphan.id, status: .failed, endTime: now)
        }
        var tags = [
            Self.jobTag: job.id, Self.trainingTag: training.name, "expctl.attempt": String(job.attempt),
            "expctl.inputs_digest": job.key.inputsDigest, "task": training.task,
            "dataset_version": training.datasetVersion,
        ]
        if let policy = training.policy { tags["policy_id"] = policy }
        let id = try client.createRun(
            experimentID: experiment.id, name: "\(training.name) attempt \(job.attempt)", startTime: now, tags: tags)
        guard let run = try client.run(id: id) else {
            throw JobFailure.failed("MLflow created run \(id) but does not return it")
        }
        return run
    }

    /// What the run logged, read back from MLflow: params, latest metrics, tags, artifacts.
    func logged(_ runID: String) throws -> LoggingRules.Logged {
        guard let run = try client.run(id: runID) else {
            throw JobFailure.failed("MLflow has no run \(runID) any more")
        }
        let artifacts = try client.listArtifacts(under: run.artifactURI).map { entry in
            String(entry.path.split(separator: "/").first ?? Substring(entry.path))
        }
        return LoggingRules.Logged(
            params: Set(run.params.keys), metrics: Set(run.metrics.keys), tags: Set(run.tags.keys),
            artifacts: Set(artifacts))
    }

    /// Registers the run's `model` artifact as a version of the training's model, tagged with
    /// the job's identity, the config and dataset digests and the commit; waits until READY.
    func register(_ runID: String, datasetDigest: String) throws -> MLflowModelVersion {
        try client.ensureRegisteredModel(training.modelName)
        let tags = [
            Self.jobTag: job.id, Self.trainingTag: training.name, "expctl.inputs_digest": job.key.inputsDigest,
            "expctl.dataset_digest": datasetDigest, "expctl.commit": job.commit,
        ]
        let created = try client.createModelVersion(training.modelName, runID: runID, tags: tags)
        return try waitUntilReady(created.version)
    }

    /// The version once MLflow says READY; a version that fails to register fails the job.
    func waitUntilReady(_ version: String, timeoutSeconds: Double = 120) throws -> MLflowModelVersion {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while true {
            guard let current = try client.modelVersion(training.modelName, version: version) else {
                throw JobFailure.failed("model version \(training.modelName)/\(version) disappeared while registering")
            }
            switch current.status {
            case "READY": return current
            case "FAILED_REGISTRATION":
                throw JobFailure.failed("MLflow failed to register \(training.modelName)/\(version)")
            default:
                guard Date() < deadline else {
                    throw JobFailure.failed(
                        "\(training.modelName)/\(version) was not READY after \(Int(timeoutSeconds)) s")
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
    }

    func finish(_ runID: String, status: MLflowRunStatus) throws {
        try client.updateRun(id: runID, status: status, endTime: Self.milliseconds())
    }

    static func milliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
