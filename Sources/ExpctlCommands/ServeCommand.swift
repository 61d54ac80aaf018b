import ArgumentParser
import ExpctlPostgres
import ExpctlReconciler
import ExpctlService
import ExpctlServing
import Foundation
import Logging

/// `expctl serve`: the reconcile loop as a long-running service, with webhooks, health and
/// metrics, the status page and the assignment and event APIs (docs/service.md).
struct ServeCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Reconcile in a loop and serve webhooks, metrics, a status page and the assignment and event APIs.",
        discussion: """
            Listens on 127.0.0.1 unless --listen says otherwise. Secrets come from the environment \
            (EXPCTL_WEBHOOK_SECRET, EXPCTL_API_TOKEN, EXPCTL_STATUS_TOKEN) or from the files the \
            --…-file options name, never from the command line. A webhook push to the tracked \
            branch starts a pass at once; passes also run every --interval, with jitter. SIGTERM \
            or SIGINT finish the pass under way, drain the HTTP requests and exit 0; a running job \
            is given back to the ledger.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var revisions: RevisionOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var datasets: DatasetOptions
    @OptionGroup var jobs: JobOptions
    @OptionGroup var parallelism: ParallelismOption

    @Option(help: "The address to listen on, HOST:PORT (port 0: any free port, printed once listening).")
    var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080)

    @Option(help: "Time between passes, e.g. 30s, 5m, 1h.")
    var interval: ReconcileInterval = ReconcileInterval(seconds: 60)

    @Option(help: "Up to this fraction of the interval is added at random to each wait, e.g. 0.1.")
    var jitter: Double = 0.1

    @Flag(help: "Wait for another reconciler's lock instead of exiting.")
    var wait = false

    @Option(help: "A file holding the webhooks' shared secret (instead of EXPCTL_WEBHOOK_SECRET).")
    var webhookSecretFile: String?

    @Option(
        help: "A file of bearer tokens for the assignment and event APIs, one a line (instead of EXPCTL_API_TOKEN).")
    var apiTokenFile: String?

    @Option(help: "A file holding a bearer token the status page asks for (instead of EXPCTL_STATUS_TOKEN).")
    var statusTokenFile: String?

    @Option(help: "Log lines: json (one JSON object a line, for collectors) or text.")
    var logFormat: LogFormat = .json

    func validate() throws {
        guard jitter >= 0, jitter <= 1 else { throw ValidationError("--jitter must be between 0 and 1") }
    }

    func execute(_ context: CommandContext) throws -> Int32 {
        let secrets = try ServiceSecrets(
            environment: context.environment, webhookSecretFile: webhookSecretFile, apiTokenFile: apiTokenFile,
            statusTokenFile: statusTokenFile)
        let logger = Self.logger(format: logFormat, console: context.console)
        let clock = SystemClock()
        let leadership = Leadership()
        let state = ServiceState(leadership: leadership)
        let metrics = ServiceMetrics()
        let say: @Sendable (String) -> Void = { logger.info("\($0)") }
        let databaseSettings = database.settings(context.environment)
        let snapshots = SnapshotHolder()
        let apis = ServingAPIs(
            snapshots: snapshots, assignments: AssignmentService(snapshots: snapshots, database: databaseSettings),
            events: EventIngestion(snapshots: snapshots, database: databaseSettings))
        let reloadSnapshot = { (applied: Bool) in
            guard applied || snapshots.snapshot == nil else { return }
            do {
                snapshots.replace(with: try ServingSnapshot.read(try PostgresConnection(databaseSettings)))
            } catch {
                logger.warning("cannot read the applied state for the APIs: \(ErrorReport(error).message)")
            }
        }
        leadership.observe { role in
            switch role {
            case .leader: logger.info("leader: this replica holds the lock, reconciles and runs jobs")
            case .standby(let holder): logger.info("standby: the lock is held by \(holder ?? "no one it can name")")
            case .starting: break
            }
        }
        // A standby serves the APIs from the applied state the leader wrote, read again every 5 s.
        let standbyReads = LockedBox<Date>(.distantPast)
        let assembly = try ReconcilerAssembly(
            context, source: source, revisions: revisions, database: database, mlflow: mlflow, datasets: datasets,
            jobs: jobs, parallelism: parallelism, waitForLock: wait, clock: clock,
            hook: { _, _ in
                ServiceHook(state: state, metrics: metrics, clock: clock, logger: logger, afterPass: reloadSnapshot)
            },
            leadership: leadership,
            waiting: { _ in
                guard Date().timeIntervalSince(standbyReads.get()) >= 5 else { return }
                standbyReads.set(Date())
                reloadSnapshot(true)
            },
            say: say)
        let loop = ReconcileLoop(interval: interval.seconds, jitter: jitter, clock: clock, wakeup: assembly.wakeup)
        let reconcile = ReconcileService(
            loop: loop, leadership: leadership, makeWorker: assembly.makeWorker,
            checkLeadership: assembly.session.checkLeadership, pass: assembly.session.pass)
        let settings = ServiceSettings(
            host: listen.host, port: listen.port, apiTokens: secrets.apiTokens, statusToken: secrets.statusToken,
            webhookSecret: secrets.webhookSecret, trackedBranch: source.ref)
        let page = StatusPageSource(
            state: state, snapshots: snapshots, database: databaseSettings,
            source: "\(source.displayedRepository) \(source.ref ?? "HEAD") \(source.path.isEmpty ? "/" : source.path)",
            mlflowUIBase: mlflow.settings(context.environment)?.redactedURI)
        defer { page.shutdown() }
        let server = ExpctlServer(
            settings: settings, state: state, metrics: metrics, reconcile: reconcile, apis: apis, logger: logger,
            statusPage: { await page.render() })
        let console = LockedConsole(context.console, json: nil)
        try Self.blocking {
            try await server.run { port in console.say("expctl serve: listening on http://\(listen.host):\(port)") }
        }
        return ExitStatus.success
    }

    /// Runs `body` to the end from synchronous code: the calling thread waits (it is not one of
    /// the cooperative pool's), the body runs on the pool.
    private static func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        Task {
            do { try await body() } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.get() { throw error }
    }

    private static func logger(format: LogFormat, console: any Console) -> Logger {
        var logger = Logger(label: "expctl") { label in
            switch format {
            case .json: JSONLinesLogHandler(label: label)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        logger.logLevel = .info
        return logger
    }
}

/// `HOST:PORT`, `[IPV6]:PORT`, or `:PORT` (on 127.0.0.1).
struct ListenAddress: ExpressibleByArgument, Sendable {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(argument[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "127.0.0.1" : host
        self.port = port
    }
}

/// A value guarded by a lock, for handing a result across threads.
final class LockedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }

    /// Sets `newValue`; returns the value it replaced.
    func replace(_ newValue: Value) -> Value {
        lock.withLock {
            let old = value
            value = newValue
            return old
        }
    }
}
