import ArgumentParser
import ExpctlGit
import ExpctlMLflow
import ExpctlPlan
import ExpctlStore
import Foundation

/// `expctl reconcile`: keeps the database at the desired state of a branch, one pass at a time.
struct ReconcileCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan and apply the branch head in a loop (or once), one reconciler per database.",
        discussion: """
            Takes a PostgreSQL advisory lock so that one reconciler writes at a time: a second one \
            says who holds it and exits 1, or with --wait waits for it. Each pass reads the ref \
            (decoding only the files that changed since the last pass), plans and applies. \
            SIGINT or SIGTERM finish the current pass and exit 0.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var parallelism: ParallelismOption

    @Flag(help: "Run one pass and exit.")
    var once = false

    @Option(help: "Time between passes, e.g. 30s, 5m, 1h.")
    var interval: ReconcileInterval = ReconcileInterval(seconds: 30)

    @Flag(help: "Wait for another reconciler's lock instead of exiting.")
    var wait = false

    func execute(console: any Console) throws -> Int32 {
        // Connecting can hang on an unreachable host: until then Ctrl-C keeps its default.
        var store: ExpStore? = try database.openStore()
        let stop = StopSignal.install()
        defer { stop.uninstall() }
        guard try lock(store!, stop: stop, console: console) else { return ExitStatus.success }
        try storeStep { try store!.migrate() }
        let repository: GitRepository
        do {
            repository = try GitRepository(path: source.repo)
        } catch {
            throw UserFacingError(message: error.description)
        }
        let reader = GitDesiredStateSource(repository: repository)
        // One client for every pass, so its connection is kept alive between them.
        let mlflowClient = mlflow.settings?.makeClient()
        if mlflowClient == nil {
            console.line("reconcile: MLflow is not configured (MLFLOW_TRACKING_URI or --mlflow-url): reconciling the database only")
        }
        repeat {
            if store == nil {
                // The connection was lost (and with it the lock): connect and lock again.
                do {
                    let reconnected = try database.openStore()
                    guard try lock(reconnected, stop: stop, console: console) else { break }
                    try storeStep { try reconnected.migrate() }
                    store = reconnected
                } catch let error as UserFacingError where error.message.hasPrefix("another reconciler") {
                    throw error
                } catch {
                    console.line("reconcile: cannot reconnect, will retry: \(error)")
                    continue
                }
            }
            guard let current = store else { continue }
            let outcome = ReconcilePass(source: source, reader: reader, store: current, mlflow: mlflowClient, parallelism: parallelism.parallelism).run()
            console.line(outcome.line)
            if outcome.failed, (try? current.connection.execute("SELECT 1")) == nil { store = nil }
            if once { return outcome.failed ? ExitStatus.failure : ExitStatus.success }
        } while stop.sleep(seconds: interval.seconds)
        console.line("reconcile: stopped")
        return ExitStatus.success
    }

    /// Takes the reconciler lock on `store`'s session; false when a stop was requested while
    /// waiting for it. Without --wait, a lock held elsewhere is an error naming its holder.
    private func lock(_ store: ExpStore, stop: StopSignal, console: any Console) throws -> Bool {
        let lock = ReconcilerLock(connection: store.connection)
        while !(try storeStep { try lock.tryAcquire() }) {
            let holder = (try? lock.holder()) ?? nil
            let who = holder.map { "held by \($0)" } ?? "held by another session"
            guard wait else { throw UserFacingError(message: "another reconciler is running: the lock is \(who)") }
            console.line("reconcile: waiting for the lock, \(who)")
            guard stop.sleep(seconds: 2) else { return false }
        }
        return true
    }
}

/// One pass: read the ref, plan, apply when there are changes. Never throws: each kind of
/// failure is a line saying what happened and whether the next pass may fix it.
struct ReconcilePass {
    let source: SourceOptions
    let reader: GitDesiredStateSource
    let store: ExpStore
    /// The MLflow registry's client; nil plans the database only.
    let mlflow: MLflowClient?
    /// Registry writes under way at once.
    let parallelism: Int

    struct Outcome {
        var line: String
        var failed: Bool
    }

    func run() -> Outcome {
        let commit: String
        let plan: Plan
        do {
            let (resolved, result) = try reader.load(ref: source.ref, under: source.normalizedPath)
            commit = resolved.id.abbreviated + (resolved.refName.map { " (\(RefNames.short($0)))" } ?? "")
            guard result.isValid else {
                let first = result.diagnostics.first.map { "\($0.location): \($0.message)" } ?? ""
                return Outcome(line: "reconcile: \(commit): stalled, the desired state is invalid (\(result.diagnostics.count) errors; first: \(first)); waiting for a new commit", failed: true)
            }
            // A run a killed process left `running` is marked even when nothing is left to apply.
            try store.markInterruptedRuns()
            let actual = try store.actualState()
            let models = result.state.registryModels
            let registry = models.isEmpty ? nil : mlflow.map { MLflowRegistryApplier(client: $0, models: models, parallelism: parallelism) }
            plan = Planner.plan(desired: result.state, actual: actual, registry: try registry?.currentState(), commit: resolved.id.hex)
            guard plan.isApplicable else {
                // Recording it is a courtesy: a failure to do so must not hide why the pass stalled.
                _ = try? store.recordRefused(plan, ref: resolved.refName)
                return Outcome(line: "reconcile: \(commit): stalled, \(plan.problems.count) change(s) git must fix first (first: \(plan.problems[0].message)); waiting for a new commit", failed: true)
            }
            guard plan.hasReadyChanges else { return Outcome(line: "reconcile: \(commit): no changes\(waiting(plan))", failed: false) }
            // The registry was read a moment ago: only the database is checked again.
            try store.apply(plan, ref: resolved.refName, expectedDigest: store.digest(of: actual), registry: registry)
        } catch {
            return Outcome(line: "reconcile: failed, will retry: \(error)", failed: true)
        }
        return Outcome(
            line: "reconcile: \(commit): applied \(plan.count(.create)) to add, \(plan.count(.update)) to change, \(plan.count(.retire)) to retire\(waiting(plan))",
            failed: false)
    }

    private func waiting(_ plan: Plan) -> String {
        let count = plan.waitingActions.count
        return count == 0 ? "" : "; \(count) waiting on jobs or gates"
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
