import ExpctlDatasets
import ExpctlJobs
import ExpctlReconciler
import ExpctlStore
import Foundation

/// What `reconcile` and `serve` both run: a session holding the writers' lock, its reconciler
/// over the git source, MLflow and the dataset store, and the job worker beside the loop.
struct ReconcilerAssembly {
    let session: ReconcilerSession
    let worker: JobWorker?
    let wakeup: Wakeup

    /// - Parameters:
    ///   - say: a line for people (a message in JSON output), from any thread.
    ///   - jobFinished: told of each job that ends, after `say`.
    init(
        _ context: CommandContext, source: SourceOptions, revisions: RevisionOptions, database: DatabaseOptions,
        mlflow: MLflowOptions, datasets: DatasetOptions, jobs: JobOptions, parallelism: ParallelismOption, waitForLock: Bool,
        clock: any ReconcileClock, hook: (_ mlflowLabel: String?, _ databaseLabel: String) -> any ReconcileHook,
        say: @escaping @Sendable (String) -> Void
    ) throws {
        _ = try jobs.ray.placement(context.environment, mlflow: mlflow.settings(context.environment))
        // Connecting can hang on an unreachable host: until then Ctrl-C keeps its default.
        let store = try database.openStore(context.environment)
        let wakeup = Wakeup()
        let gitSource = try source.gitSource(context.environment)
        let datasetStore = try datasets.store(context.environment)
        let (access, settings) = mlflow.access(context.environment, parallelism: parallelism.parallelism)
        if case .notConfigured = access {
            say(
                "reconcile: MLflow is not configured (MLFLOW_TRACKING_URI or --mlflow-url): "
                    + "policy versions are blocked; pass --skip-registry to write them unchecked")
        }
        let hook = hook(settings?.redactedURI, database.settings(context.environment).redactedDescription)
        session = ReconcilerSession(
            store: store, connect: { try database.openStore(context.environment) }, waitForLock: waitForLock,
            clock: clock, wakeup: wakeup,
            waitingForLock: { holder in
                say("reconcile: waiting for the lock, held by \(holder ?? "another session")")
            },
            makeReconciler: { store in
                Reconciler(
                    source: gitSource, store: store, registry: access, hook: hook, clock: clock, datasets: datasetStore,
                    rules: revisions.rules)
            })
        worker =
            jobs.skipJobs
            ? nil
            : try Self.jobWorker(
                context, database: database, mlflow: mlflow, jobs: jobs, source: source, datasets: datasetStore,
                wakeup: wakeup, say: say)
        self.wakeup = wakeup
    }

    /// The job runner beside the loop: each job that finishes wakes the loop for a pass.
    private static func jobWorker(
        _ context: CommandContext, database: DatabaseOptions, mlflow: MLflowOptions, jobs: JobOptions,
        source: SourceOptions, datasets: DatasetStore, wakeup: Wakeup, say: @escaping @Sendable (String) -> Void
    ) throws -> JobWorker {
        let settings = database.settings(context.environment)
        let runner = JobRunner(
            settings: settings,
            executors: try JobExecution.executors(
                database: settings, datasets: datasets, mlflow: mlflow.settings(context.environment), options: jobs,
                source: source, environment: context.environment),
            leaseSeconds: jobs.leaseSeconds)
        return JobWorker(
            runner: runner,
            finished: { outcome in
                say(JobExecution.describe(outcome))
                wakeup.wake()
            },
            failed: { error in say("reconcile: jobs: \(ErrorReport(error).message)") })
    }
}
