import ArgumentParser
import ExpctlDatasets
import ExpctlGit
import ExpctlJobs
import ExpctlReconciler
import ExpctlStore
import Foundation

/// `expctl reconcile`: keeps the database, the job ledger and MLflow at the desired state of a
/// branch, one pass at a time.
struct ReconcileCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan and apply the branch head in a loop (or once), one reconciler per database.",
        discussion: """
            Takes a PostgreSQL advisory lock so that one reconciler writes at a time: a second one \
            says who holds it and exits 1, or with --wait waits for it. Each pass reads the ref \
            (decoding only the files that changed since the last pass), plans and applies what is \
            ready. A pass ends converged, applied, waiting (on jobs or gates), stalled (needs a new \
            commit) or failed (retried with backoff). Jobs (dataset builds, trainings, evaluations) \
            run beside the loop, one at a time, and each that finishes starts a pass (unless \
            --skip-jobs). SIGINT or SIGTERM finish the current pass, give a running job back to \
            the ledger, and exit 0.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var datasets: DatasetOptions
    @OptionGroup var jobs: JobOptions
    @OptionGroup var parallelism: ParallelismOption

    @Flag(help: "Run one pass and exit.")
    var once = false

    @Option(help: "Time between passes, e.g. 30s, 5m, 1h.")
    var interval: ReconcileInterval = ReconcileInterval(seconds: 30)

    @Flag(help: "Wait for another reconciler's lock instead of exiting.")
    var wait = false

    @Option(help: "Progress output: text (a line per pass), or json (one JSON object per event and line).")
    var logFormat: LogFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let clock = SystemClock()
        let json = logFormat == .json ? JSONLinesHook(console: console, clock: clock) : nil
        do {
            return try run(context, clock: clock, json: json)
        } catch {
            json?.error(ErrorReport(error))
            throw error
        }
    }

    private func run(_ context: CommandContext, clock: SystemClock, json: JSONLinesHook?) throws -> Int32 {
        let console = context.console
        // Connecting can hang on an unreachable host: until then Ctrl-C keeps its default.
        let store = try database.openStore(context.environment)
        let wakeup = Wakeup()
        let stop = StopSignal.install(stopping: wakeup)
        defer { stop.uninstall() }
        let gitSource = try source.gitSource()
        let datasetStore = try datasets.store(context.environment)
        let (access, settings) = mlflow.access(context.environment, parallelism: parallelism.parallelism)
        if case .notConfigured = access {
            say(console, json, "reconcile: MLflow is not configured (MLFLOW_TRACKING_URI or --mlflow-url): "
                + "policy versions are blocked; pass --skip-registry to write them unchecked")
        }
        let databaseLabel = database.settings(context.environment).redactedDescription
        let hook: any ReconcileHook = json
            ?? TextHook(console: console, passLines: true, mlflowLabel: settings?.redactedURI, databaseLabel: databaseLabel)
        let session = ReconcilerSession(
            store: store, connect: { try database.openStore(context.environment) }, waitForLock: wait,
            clock: clock, wakeup: wakeup,
            waitingForLock: { holder in
                say(console, json, "reconcile: waiting for the lock, held by \(holder ?? "another session")")
            },
            makeReconciler: { store in
                Reconciler(source: gitSource, store: store, registry: access, hook: hook, clock: clock, datasets: datasetStore)
            })
        // With --once, the jobs the pass recorded run after it, in the foreground.
        let worker = jobs.skipJobs ? nil : jobWorker(context, datasets: datasetStore, wakeup: wakeup, console: console, json: json)
        if !once { worker?.start() }
        defer { if !once { worker?.stop() } }
        let loop = ReconcileLoop(interval: interval.seconds, clock: clock, wakeup: wakeup)
        let end: ReconcileLoop.End
        do {
            end = try loop.run(once: once) {
                let outcome = try session.pass()
                worker?.wake()
                return outcome
            }
        } catch ReconcilerSession.SessionError.stopped {
            end = .stopped(last: nil)
        }
        if once, let worker { worker.runUntilIdle() }
        switch end {
        case .once(let outcome):
            switch outcome {
            case .stalled, .transient: return ExitStatus.failure
            case .converged, .applied, .waiting: return ExitStatus.success
            }
        case .stopped:
            say(console, json, "reconcile: stopped")
            return ExitStatus.success
        }
    }

    /// The job runner beside the loop: each job that finishes wakes the loop for a pass.
    private func jobWorker(
        _ context: CommandContext, datasets: DatasetStore, wakeup: Wakeup, console: any Console, json: JSONLinesHook?
    ) -> JobWorker {
        let settings = database.settings(context.environment)
        let runner = JobRunner(
            settings: settings,
            executors: JobExecution.executors(
                database: settings, datasets: datasets, mlflow: mlflow.settings(context.environment),
                environment: context.environment),
            leaseSeconds: jobs.leaseSeconds)
        let lines = LockedConsole(console, json: json)
        return JobWorker(
            runner: runner,
            finished: { outcome in
                lines.say(JobExecution.describe(outcome))
                wakeup.wake()
            },
            failed: { error in lines.say("reconcile: jobs: \(ErrorReport(error).message)") })
    }

    /// A line for people, or a `message` event in JSON lines.
    private func say(_ console: any Console, _ json: JSONLinesHook?, _ text: String) {
        if let json { json.message(text) } else { console.line(text) }
    }
}

/// A duration written as `30s`, `5m`, `1h` or a number of seconds.
struct ReconcileInterval: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var text = argument
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            scale = unit
            text.removeLast()
        }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        seconds = value * scale
    }
}

/// A console the job thread and the loop both write to, a line at a time.
private final class LockedConsole: @unchecked Sendable {
    private let console: any Console
    private let json: JSONLinesHook?
    private let lock = NSLock()

    init(_ console: any Console, json: JSONLinesHook?) {
        self.console = console
        self.json = json
    }

    func say(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if let json { json.message(text) } else { console.line(text) }
    }
}
