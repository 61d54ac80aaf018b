import ExpctlDatasets
import ExpctlJobs
import ExpctlReconciler
import ExpctlStore
import Foundation

/// What `reconcile` and `serve` both run: a session holding the writers' lock, its reconciler
/// over the git source, MLflow and the dataset store, and the job worker beside the loop.
struct ReconcilerAssembly {
    let session: ReconcilerSession
    /// A new job worker (one per term as leader, for `serve`); nil with `--skip-jobs`.
    let makeWorker: (() -> JobWorker)?
    let wakeup: Wakeup


    /// Seconds after which the session's connection gives up on a server that stopped
    /// answering (`ConnectionSettings.deadPeerSeconds`): well within the server's own
    /// `ReconcilerSession.serverDeadPeerSeconds`, so a leader steps down before it is replaced.
    static let sessionDeadPeerSeconds = 6

    /// - Parameters:
    ///   - say: a line for people (a message in JSON output), from any thread.
    ///   - jobFinished: told of each job that ends, after `say`.
    ///   - waiting: told at each retry while another session holds the lock (a standby's tick).
    init(
        _ context: CommandContext, source: SourceOptions, revisions: RevisionOptions, database: DatabaseOptions,
        mlflow: MLflowOptions, datasets: DatasetOptions, jobs: JobOptions, parallelism: ParallelismOption, waitForLock: Bool,
        clock: any ReconcileClock, hook: (_ mlflowLabel: String?, _ databaseLabel: String) -> any ReconcileHook,
        leadership: Leadership = Leadership(), waiting: @escaping (_ holder: String?) -> Void = { _ in },
        say: @escaping @Sendable (String) -> Void
    ) throws {
        let holders = LockedBox<String??>(.none)
        _ = try jobs.ray.placement(context.environment, mlflow: mlflow.settings(context.environment))
        // Connecting can hang on an unreachable host: until then Ctrl-C keeps its default.
        let store = try database.openStore(
            context.environment, deadPeerSeconds: Self.sessionDeadPeerSeconds, applicationName: JobRunner.defaultOwner)
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
            store: store,
            connect: { try database.openStore(
            context.environment, deadPeerSeconds: Self.sessionDeadPeerSeconds, applicationName: JobRunner.defaultOwner) },
            waitForLock: waitForLock, clock: clock, wakeup: wakeup,
            waitingForLock: { holder in
                waiting(holder)
                // Said when the holder changes, not at every retry: a standby waits for hours.
                guard holders.replace(.some(holder)) != .some(holder) else { return }
                say("reconcile: waiting for the lock, held by \(holder ?? "another session")")
            },
            leadership: leadership,
            makeReconciler: { store in
                Reconciler(
                    source: gitSource, store: store, registry: access, hook: hook, clock: clock, datasets: datasetStore,
                    rules: revisions.rules)
            })
        if jobs.skipJobs {
            makeWorker = nil
        } else {
            let executors = try JobExecution.executors(
                database: database.settings(context.environment), datasets: datasetStore,
                mlflow: mlflow.settings(context.environment), options: jobs, source: source,
                environment: context.environment)
            makeWorker = {
                Self.jobWorker(context, database: database, jobs: jobs, executors: executors, wakeup: wakeup, say: say)
            }
        }
        self.wakeup = wakeup
    }

    /// The job runner beside the loop: each job that finishes wakes the loop for a pass.
    private static func jobWorker(
        _ context: CommandContext, database: DatabaseOptions, jobs: JobOptions, executors: [any JobExecutor],
        wakeup: Wakeup, say: @escaping @Sendable (String) -> Void
    ) -> JobWorker {
        let runner = JobRunner(
            settings: database.settings(context.environment), executors: executors, leaseSeconds: jobs.leaseSeconds)
        return JobWorker(
            runner: runner,
            finished: { outcome in
                say(JobExecution.describe(outcome))
                wakeup.wake()
            },
            failed: { error in say("reconcile: jobs: \(ErrorReport(error).message)") })
    }
}
