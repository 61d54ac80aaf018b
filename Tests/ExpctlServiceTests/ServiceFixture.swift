import ExpctlGit
import ExpctlHTTP
import ExpctlReconciler
import ExpctlService
import ExpctlStore
import Foundation
import Logging
import PostgresTestSupport
import Testing

/// A clock whose intervals never pass: a loop on it waits until it is woken or stopped, so a
/// pass that runs was started by a wake-up (a webhook), never by the interval.
final class WakeOnlyClock: ReconcileClock, @unchecked Sendable {
    func now() -> Date { Date(timeIntervalSince1970: 1_767_225_600) }

    func wait(until deadline: Date, on wakeup: Wakeup) -> WakeReason {
        while true {
            if let reason = wakeup.take() { return reason }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }
}

/// A small desired-state tree: one policy on a registered model version, one running experiment.
enum ServiceTree {
    static func write(_ repository: GitFixture, treatment allocation: String = "0.1") throws {
        try repository.write(
            "configs/policies/planner.yaml",
            """
            policies:
              - name: planner_policy
                versions:
                  - version: 1
                    mlflow_model_name: planner_model
                    mlflow_model_version: 1

            """)
        try repository.write(
            "configs/experiments/planner.yaml",
            """
            experiments:
              - name: planner_exp
                unit_type: user
                status: running
                baseline: control
                variants:
                  - name: control
                    allocation: 0.5
                    policy_version: planner_policy@1
                  - name: treatment
                    allocation: \(allocation)
                    policy_version: planner_policy@1
                    params: { exploration_rate: 0.2 }

            """)
    }
}

/// `expctl serve`'s parts over a real repository and database, without the registry, on a
/// free port; `stop()` shuts it down as SIGTERM would.
final class RunningService: @unchecked Sendable {
    let server: ExpctlServer
    let state: ServiceState
    let port: Int
    private let task: Task<Void, any Error>

    init(
        repository: GitFixture, database: TestDatabase, webhookSecret: String? = nil, apiTokens: [String] = [],
        state: ServiceState = ServiceState(), statusPage: @escaping @Sendable () async -> String = { "<html></html>" },
        apis: ServingAPIs? = nil
    ) async throws {
        let store = try ExpStore(connection: database.connect())
        let clock = WakeOnlyClock()
        let metrics = ServiceMetrics()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let hook = ServiceHook(state: state, metrics: metrics, clock: clock, logger: logger, afterPass: { _ in })
        let source = GitSource(repository: try GitRepository(path: repository.path), ref: "main", path: "configs")
        let wakeup = Wakeup()
        let session = ReconcilerSession(
            store: store, connect: { try ExpStore(connection: database.connect()) }, waitForLock: false, clock: clock,
            wakeup: wakeup,
            makeReconciler: { store in Reconciler(source: source, store: store, registry: .skipped, hook: hook, clock: clock) })
        let loop = ReconcileLoop(interval: 3600, clock: clock, wakeup: wakeup)
        let reconcile = ReconcileService(
            loop: loop, leadership: session.leadership, makeWorker: nil, checkLeadership: session.checkLeadership,
            pass: session.pass)
        server = ExpctlServer(
            settings: ServiceSettings(port: 0, apiTokens: apiTokens, webhookSecret: webhookSecret, trackedBranch: "main"),
            state: state, metrics: metrics, reconcile: reconcile, apis: apis, logger: logger, statusPage: statusPage)
        self.state = state
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = server
        task = Task { try await server.run(handlingSignals: false) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        port = try #require(await iterator.next())
    }

    /// Shuts down gracefully and waits for the end.
    func stop() async throws {
        await server.shutdown()
        try await task.value
    }

    /// Waits until `condition` holds, up to `seconds`.
    func waitFor(_ seconds: Double = 20, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw FixtureError(message: "timed out waiting") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A request to the service through libcurl, on a thread of its own (libcurl blocks).
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws
        -> ExpctlHTTP.HTTPResponse
    {
        let request = HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let transport = CurlTransport(retry: RetryPolicy(maxAttempts: 1))
                do {
                    continuation.resume(returning: try transport.send(request))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
