import ExpctlMLflow
import ExpctlModel
import ExpctlStore
import Foundation

/// Runs a team's training program (`runner: command`) into the run expctl created: its argv
/// with the placeholders filled in, `MLFLOW_TRACKING_URI` and `MLFLOW_RUN_ID` set so that
/// MLflow's client logs into that run, its output kept as the run's `logs/output.txt`.
struct CommandTrainer {
    let command: CommandSpec
    let mlflow: MLflowSettings
    /// What the program inherits of expctl's environment (PATH, HOME, locale, proxies).
    let baseEnvironment: [String: String]
    let workingDirectory: String

    /// The variables passed through from expctl's own environment.
    static let inherited = [
        "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
        "VIRTUAL_ENV", "PYTHONPATH",
    ]

    /// Runs the program on `executor`, or follows the earlier submission `resuming` to its end;
    /// throws `JobFailure` when it could not start, timed out or failed, with its last output
    /// lines. The output is uploaded either way.
    func run(
        _ training: TrainingConfig, run: MLflowRun, datasetDirectory: String, client: MLflowClient,
        context: JobContext, executor: any CommandExecutor, resuming: CommandHandle? = nil
    ) throws {
        let output = try executor.outputDirectory(job: "\(context.job.id)-\(context.job.attempt)")
        defer { if let local = output.local { try? FileManager.default.removeItem(at: local) } }
        let programDatasetDirectory = executor.programPath(forLocal: datasetDirectory)
        let values: [String: String] = [
            "dataset_dir": programDatasetDirectory, "dataset_version": training.datasetVersion,
            "output_dir": output.program, "model_name": training.modelName, "base_model": training.baseModel,
            "learning_rate": String(training.learningRate), "epochs": String(training.epochs),
            "batch_size": String(training.batchSize), "fine_tuning_method": training.fineTuningMethod.rawValue,
            "seed": String(training.seed), "tracking_uri": mlflow.trackingURI, "run_id": run.id,
            "training_name": training.name,
        ]
        let argv = command.argv.map { Placeholders.fill($0, values) }
        let job = context.job
        var process = CommandProcess(
            argv: argv, environment: environment(run: run, datasetDirectory: programDatasetDirectory, job: job.id),
            workingDirectory: workingDirectory, timeoutSeconds: Double(command.timeoutSeconds))
        process.pollSeconds = executor.pollSeconds
        process.submissionID = "expctl-\(job.id)-\(job.attempt)"
        process.metadata = [
            "expctl_job": job.id, "expctl_attempt": String(job.attempt), "expctl_training": training.name,
            "mlflow_run_id": run.id,
        ]
        process.resources = training.resources
        process.code = training.codeFiles.isEmpty ? nil : CodePackage(files: training.codeFiles)
        let outcome: CommandProcess.Outcome
        do {
            outcome = try process.run(
                on: executor, resuming: resuming,
                beforeSubmit: {
                    guard let name = executor.ledgerName else { return }
                    try context.recordExecution(
                        ExternalExecution(
                            executor: name, submissionID: process.submissionID, attempt: job.attempt, runID: run.id,
                            package: process.code?.digest))
                },
                isCancelled: { context.isCancelled }, handsOver: { context.handsOver })
        } catch let error as CommandProcess.LaunchError {
            throw JobFailure.failed("\(error)")
        }
        try client.uploadArtifact(Array(outcome.output.utf8), to: "logs/output.txt", under: run.artifactURI)
        try context.checkCancelled()
        guard outcome.succeeded else { throw JobFailure.failed(Self.failure(argv[0], outcome)) }
    }

    func environment(run: MLflowRun, datasetDirectory: String, job: String) -> [String: String] {
        var environment = baseEnvironment.filter { Self.inherited.contains($0.key) }
        environment["MLFLOW_TRACKING_URI"] = mlflow.trackingURI
        environment["MLFLOW_RUN_ID"] = run.id
        environment["MLFLOW_EXPERIMENT_ID"] = run.experimentID
        switch mlflow.credentials {
        case .bearer(let token)?: environment["MLFLOW_TRACKING_TOKEN"] = token
        case .basic(let user, let password)?:
            environment["MLFLOW_TRACKING_USERNAME"] = user
            environment["MLFLOW_TRACKING_PASSWORD"] = password
        case nil: break
        }
        if let bundle = mlflow.caBundle { environment["MLFLOW_TRACKING_SERVER_CERT_PATH"] = bundle }
        environment["EXPCTL_JOB_ID"] = job
        environment["EXPCTL_DATASET_DIR"] = datasetDirectory
        return environment
    }

    /// Why the program failed, with the last lines it printed.
    static func failure(_ program: String, _ outcome: CommandProcess.Outcome) -> String {
        let why: String
        if outcome.timedOut {
            why = "timed out after \(Int(outcome.seconds)) s and was stopped (its process group killed)"
        } else if outcome.cancelled {
            why = "was cancelled"
        } else {
            switch outcome.ending {
            case .exited(let code): why = "exited with status \(code)"
            case .signalled(let signal): why = "was killed by signal \(signal)"
            case .stopped: why = "was stopped"
            case .failed(let reason): why = "did not run: \(reason)"
            case .running: why = "did not end"
            }
        }
        let tail = outcome.output.split(separator: "\n", omittingEmptySubsequences: true).suffix(5)
            .joined(separator: " | ")
        return "\(program) \(why)" + (tail.isEmpty ? "" : "; last output: \(tail.prefix(600))")
    }
}

/// `{name}` placeholders in a command's arguments.
enum Placeholders {
    static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
