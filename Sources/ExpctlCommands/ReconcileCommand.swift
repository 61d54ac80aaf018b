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
    @OptionGroup var revisions: RevisionOptions
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
        let lines = LockedConsole(console, json: json)
        let assembly = try ReconcilerAssembly(
            context, source: source, revisions: revisions, database: database, mlflow: mlflow, datasets: datasets,
            jobs: jobs, parallelism: parallelism, waitForLock: wait, clock: clock,
            hook: { mlflowLabel, databaseLabel in
                if let json { return json }
                return TextHook(
                    console: console, passLines: true, mlflowLabel: mlflowLabel, databaseLabel: databaseLabel)
            },
            say: { lines.say($0) })
        let (session, worker, wakeup) = (assembly.session, assembly.makeWorker?(), assembly.wakeup)
        let stop = StopSignal.install(stopping: wakeup)
        defer { stop.uninstall() }
        // With --once, the jobs the pass recorded run after it, in the foreground.
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
final class LockedConsole: @unchecked Sendable {
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
