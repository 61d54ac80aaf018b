import ArgumentParser
import ExpctlDatasets
import ExpctlJobs
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import ExpctlPostgres

/// `--skip-jobs`: for apply, when another process (a `reconcile`, a cluster) runs the jobs.
struct JobOptions: ParsableArguments {
    @Flag(help: "Record jobs in the ledger but do not run them here.")
    var skipJobs = false

    @Option(help: "Seconds a claimed job's lease lasts without a heartbeat before another runner may take it.")
    var leaseSeconds: Double = 60

    @OptionGroup var ray: RayOptions

    func validate() throws {
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
    }
}

/// Runs the ledger's claimable jobs in the foreground and says what became of each.
struct JobExecution {
    let runner: JobRunner
    let console: any Console

    init(
        database: ConnectionSettings, datasets: DatasetStore, mlflow: MLflowSettings?, options: JobOptions,
        source: SourceOptions, environment: [String: String], console: any Console, progress: ProgressReporter
    ) throws {
        runner = JobRunner(
            settings: database,
            executors: try Self.executors(
                database: database, datasets: datasets, mlflow: mlflow, options: options, source: source,
                environment: environment),
            leaseSeconds: options.leaseSeconds,
            progress: { step in
                progress.report(
                    step: step.step, subject: step.job.name, done: step.done, total: step.total, unit: step.unit)
            })
        self.console = console
    }

    /// The executors of every kind of job this process can run: datasets always; trainings and
    /// evaluations need MLflow, which records and registers them. Throws a usage error when
    /// the Ray options do not hold together.
    static func executors(
        database: ConnectionSettings, datasets: DatasetStore, mlflow: MLflowSettings?, options: JobOptions,
        source: SourceOptions, environment: [String: String]
    ) throws -> [any JobExecutor] {
        let placement = try options.ray.placement(environment, mlflow: mlflow)
        var executors: [any JobExecutor] = [DatasetJobExecutor(store: datasets, settings: database, mlflow: mlflow)]
        if let mlflow {
            executors.append(
                TrainingJobExecutor(
                    store: datasets, mlflow: mlflow, environment: environment, placement: placement,
                    code: source.codeSource(environment)))
            executors.append(
                EvaluationJobExecutor(
                    store: datasets, mlflow: mlflow, database: database, environment: environment,
                    placement: placement, code: source.codeSource(environment)))
        }
        return executors
    }

    /// Runs every claimable job; returns their outcomes (empty when there was none).
    func runAll() throws -> [JobOutcome] {
        let outcomes = try runner.runAll()
        for outcome in outcomes { console.line(Self.describe(outcome)) }
        return outcomes
    }

    static func describe(_ outcome: JobOutcome) -> String {
        let seconds = (outcome.seconds * 10).rounded() / 10
        let job = "job \(outcome.key) (\(outcome.id.prefix(8)), attempt \(outcome.attempt))"
        switch outcome.state {
        case .succeeded(let result):
            var what = ""
            if case .integer(let rows)? = result[DatasetResultKeys.rows] {
                what = ": \(NumberText.grouped(Int(rows))) rows"
            }
            if case .string(let version)? = result["model_version"] { what = ": model version \(version)" }
            return "\(job) succeeded in \(seconds) s\(what)"
        case .failed(let error): return "\(job) failed after \(seconds) s: \(error)"
        case .lost: return "\(job) stopped after \(seconds) s: it was cancelled or taken over by another runner"
        case .released: return "\(job) stopped after \(seconds) s and was given back to the ledger, pending"
        }
    }
}
