import ExpctlDatasets
import ExpctlMLflow
import ExpctlModel
import ExpctlStore
import ExpctlTraining
import Foundation

/// An evaluation job's recorded inputs, checked (`EvaluationPlanning.jobInputs`).
struct EvaluationInputs {
    var modelName: String
    var modelVersion: String
    var baselineVersion: String?
    var datasetVersion: String
    var datasetDigest: String?
    var weights: [String: Double]
    var seed: Int
    var command: CommandSpec?
    /// The training's code, which the command runs with.
    var code: CodePackage?

    init(_ inputs: [String: JSONValue]) throws {
        func text(_ key: String) throws -> String {
            guard case .string(let value)? = inputs[key], !value.isEmpty else {
                throw JobFailure.failed("the evaluation's inputs have no valid \(key)")
            }
            return value
        }
        func optionalText(_ key: String) throws -> String? {
            if case .null? = inputs[key] { return nil }
            return try text(key)
        }
        guard case .integer(EvaluationIdentity.inputsSchemaVersion)? = inputs["inputs_version"] else {
            throw JobFailure.failed("the evaluation's inputs are of another version of expctl")
        }
        guard try text("scorer_version") == EvaluationIdentity.scorerVersion else {
            throw JobFailure.failed(
                "the evaluation asks for scorer \(try text("scorer_version")); this expctl scores with "
                    + "\(EvaluationIdentity.scorerVersion)")
        }
        modelName = try text("model_name")
        modelVersion = try text("model_version")
        baselineVersion = try optionalText("baseline_version")
        datasetVersion = try text("dataset_version")
        datasetDigest = try optionalText("dataset_digest")
        guard case .object(let weightValues)? = inputs["weights"] else {
            throw JobFailure.failed("the evaluation's inputs have no weights")
        }
        var weights: [String: Double] = [:]
        for (name, value) in weightValues {
            switch value {
            case .double(let weight): weights[name] = weight
            case .integer(let weight): weights[name] = Double(weight)
            default: throw JobFailure.failed("the evaluation's weight \(name) is not a number")
            }
        }
        self.weights = weights
        guard case .integer(let seed)? = inputs["seed"] else { throw JobFailure.failed("the evaluation has no seed") }
        self.seed = Int(seed)
        if case .null? = inputs["command"] {
            command = nil
        } else {
            guard let spec = CommandSpec(jobInputs: inputs["command"]) else {
                throw JobFailure.failed("the evaluation's command is not valid")
            }
            command = spec
        }
        if let recorded = inputs["code"] {
            guard let files = TrainingConfig.codeFiles(fromJobInputs: recorded) else {
                throw JobFailure.failed("the evaluation's code is not a list of files with their blob ids")
            }
            code = CodePackage(files: files)
        }
    }
}

/// The rows an evaluation replays and the catalogue it scores against.
enum EvaluationRows {
    /// The validation rows of the dataset in `folder`, in file order; all rows when it has none.
    static func load(_ folder: URL) throws -> (rows: [DatasetRow], catalog: RecipeCatalog) {
        let all: [DatasetRow]
        let catalog: RecipeCatalog
        do {
            all = try DatasetDecoder.rows(
                jsonl: Array(Data(contentsOf: folder.appendingPathComponent(DatasetFiles.rows))))
            catalog = try RecipeCatalog(
                jsonl: Array(Data(contentsOf: folder.appendingPathComponent(DatasetFiles.recipes))))
        } catch let error as DatasetDecodingError {
            throw JobFailure.failed("the evaluation dataset cannot be read: \(error)")
        }
        let validation = all.filter { $0.split == .validation }
        return (validation.isEmpty ? all : validation, catalog)
    }

    /// The rows as the `{rows_file}` of an evaluation command: one JSON object per line, the
    /// lines of data.jsonl.
    static func file(_ rows: [DatasetRow]) -> [UInt8] {
        var bytes: [UInt8] = []
        for row in rows {
            bytes += Array(row.json.canonicalText.utf8)
            bytes.append(0x0A)
        }
        return bytes
    }
}

/// Scores the candidate and the baseline on the same rows: reference models in-process (both
/// in one pass over the rows), a team's model through its `evaluation.command`.
struct EvaluationReplay {
    let command: CommandSpec?
    let mlflow: MLflowSettings
    let environment: [String: String]
    let workingDirectory: String
    /// Where the rows, the models and the predictions are written: a folder the executor's
    /// programs see (`executor.programPath`).
    let scratch: URL
    let context: JobContext
    let executor: any CommandExecutor
    let code: CodePackage?

    func score(
        candidate: ReplayableModel, baseline: ReplayableModel?, rows: [DatasetRow], scorer: OfflineScorer,
        inputs: EvaluationInputs
    ) throws -> (candidate: ReplayEvaluation, baseline: ReplayEvaluation?) {
        if case .reference(let candidateModel) = candidate {
            if case .reference(let baselineModel)? = baseline {
                let both = replayed([candidateModel, baselineModel], rows: rows, scorer: scorer)
                return (both[0], both[1])
            }
            if baseline == nil { return (replayed([candidateModel], rows: rows, scorer: scorer)[0], nil) }
        }
        let first = try evaluate(candidate, role: "candidate", rows: rows, scorer: scorer, inputs: inputs)
        let second = try baseline.map { try evaluate($0, role: "baseline", rows: rows, scorer: scorer, inputs: inputs) }
        return (first, second)
    }

    /// Reference models on every core, with the rows done reported as they go.
    private func replayed(_ models: [ReferenceModel], rows: [DatasetRow], scorer: OfflineScorer) -> [ReplayEvaluation] {
        let context = context
        let total = rows.count
        return OfflineReplay.evaluate(
            models: models, rows: rows, scorer: scorer, concurrency: ProcessInfo.processInfo.activeProcessorCount
        ) { done in
            context.progress(
                JobProgress(job: context.job.key, step: "evaluation", done: done, total: total, unit: "rows"))
        }
    }

    private func evaluate(
        _ model: ReplayableModel, role: String, rows: [DatasetRow], scorer: OfflineScorer, inputs: EvaluationInputs
    ) throws -> ReplayEvaluation {
        switch model {
        case .reference(let reference):
            return replayed([reference], rows: rows, scorer: scorer)[0]
        case .program(let folder):
            guard let command else {
                throw JobFailure.failed(
                    "the \(role) is not expctl's reference model and the training names no "
                        + "evaluation.command to run it")
            }
            let rowsFile = scratch.appendingPathComponent("\(role)-rows.jsonl")
            let predictionsFile = scratch.appendingPathComponent("\(role)-predictions.jsonl")
            try Data(EvaluationRows.file(rows)).write(to: rowsFile)
            let seen = executor.programPath(forLocal:)
            let values = [
                "rows_file": seen(rowsFile.path), "predictions_file": seen(predictionsFile.path),
                "model_dir": seen(folder.path),
                "model_name": inputs.modelName,
                "model_version": role == "candidate" ? inputs.modelVersion : inputs.baselineVersion ?? "",
                "dataset_version": inputs.datasetVersion, "tracking_uri": mlflow.trackingURI,
                "seed": String(inputs.seed),
            ]
            var environment = self.environment.filter { CommandTrainer.inherited.contains($0.key) }
            environment["MLFLOW_TRACKING_URI"] = mlflow.trackingURI
            var process = CommandProcess(
                argv: command.argv.map { Placeholders.fill($0, values) }, environment: environment,
                workingDirectory: workingDirectory, timeoutSeconds: Double(command.timeoutSeconds))
            process.pollSeconds = executor.pollSeconds
            process.code = code
            // Scoring has no effect to repeat: a later attempt submits again, under its own id.
            process.submissionID = "expctl-\(context.job.id)-\(context.job.attempt)-\(role)"
            process.metadata = [
                "expctl_job": context.job.id, "expctl_attempt": String(context.job.attempt), "expctl_role": role,
            ]
            let outcome: CommandProcess.Outcome
            do {
                outcome = try process.run(on: executor, isCancelled: { context.isCancelled })
            } catch let error as CommandProcess.LaunchError {
                throw JobFailure.failed("evaluation.command: \(error)")
            }
            try context.checkCancelled()
            guard outcome.succeeded else {
                throw JobFailure.failed(
                    "evaluation.command for the \(role): \(CommandTrainer.failure(command.argv[0], outcome))")
            }
            let predictions: [WeeklyPlan]
            do {
                predictions = try PredictionsDecoder.plans(
                    jsonl: Array(Data(contentsOf: predictionsFile)), rowIDs: rows.map(\.rowID))
            } catch let error as PredictionsError {
                throw JobFailure.failed("the \(role)'s predictions file: \(error)")
            } catch {
                throw JobFailure.failed("evaluation.command wrote no predictions file at {predictions_file}")
            }
            return OfflineReplay.evaluate(predictions: predictions, rows: rows, scorer: scorer)
        }
    }
}
