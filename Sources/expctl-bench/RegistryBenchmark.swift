import BenchmarkSupport
import ExpctlHTTP
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import ExpctlReconciler
import ExpctlPostgres
import ExpctlStore
import Foundation

/// Measures planning and applying promotions of many versions of one registered model against
/// a real MLflow server (HTTP requests counted by the transport), and the MLflow client's
/// overhead per request against `curl` fetching the same URL.
///
/// Setup makes a registered model of a unique name with `versions` versions from one run, and
/// a database of its own with the `exp` schema (dropped after; the MLflow objects stay).
struct RegistryBenchmark {
    var versions: Int
    /// Identical GETs per method in the overhead comparison.
    var requests: Int
    /// Rounds of the overhead comparison (every path each round, rotated); medians printed.
    var rounds: Int
    /// Registry writes under way at once (`MLflowRegistryApplier.parallelism`).
    var parallelism: Int
    var databaseURL: String?
    var mlflowURL: String?

    private let clock = ContinuousClock()

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let settings = MLflowSettings.resolve(url: mlflowURL, environment: environment) else {
            throw BenchmarkErrorText("give --mlflow-url or MLFLOW_TRACKING_URI for the MLflow server")
        }
        let connectionSettings = ConnectionSettings.resolve(databaseURL: databaseURL, environment: environment)
        let admin = try PostgresConnection(connectionSettings)
        let database = "expctl_bench_registry_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let store = ExpStore(connection: try PostgresConnection(.resolve(databaseURL: url, environment: [:])))

        let transport = CurlTransport()
        let client = MLflowClient(settings: settings, transport: transport)
        // Every transport the applier's writing threads use too, so that all requests count.
        let transports = Transports(transport)
        let model = "expctl_bench_\(getpid())_\(Int(Date().timeIntervalSince1970))"

        // Setup: the schema, then the model and its versions (one run's artifacts, as a training would).
        var mark = Counter(transports)
        let (setupTime, _) = try measure {
            try store.migrate()
            let experiment = try client.ensureExperiment(name: "expctl_bench")
            let run = try client.createRun(experimentID: experiment.id, name: model, startTime: Int64(Date().timeIntervalSince1970 * 1000))
            try client.ensureRegisteredModel(model)
            for _ in 0..<versions { _ = try client.createModelVersion(model, runID: run) }
        }
        let setup = mark.take(transports)
        print("MLflow \(settings.redactedURI), model \(model) with \(versions) versions from one run")
        print("  setup (migrate, model, versions):  \(format(setupTime)) (\(setup.requests) requests, \(setup.connections) connections)")

        let desired = desiredState(model)
        let applier = MLflowRegistryApplier(client: client, models: desired.registryModels, parallelism: parallelism) {
            MLflowClient(settings: settings, transport: transports.make())
        }
        print("  registry writes: \(parallelism) at a time")
        var rows: [Row] = []

        // Plan from scratch, apply, re-plan of the converged state.
        mark = Counter(transports)
        let first = try plan(desired, store: store, applier: applier)
        rows.append(Row(first, phase: "plan from scratch", count: mark.take(transports)))
        guard first.plan.actions.count == versions + 2, first.plan.isApplicable else {
            throw BenchmarkErrorText("expected \(versions + 2) actions and no problems, got \(first.plan.actions.count) and \(first.plan.problems.count)")
        }
        mark = Counter(transports)
        let applyTime = try apply(first, store: store, applier: applier)
        rows.append(Row(phase: "apply", time: applyTime, count: mark.take(transports), actions: first.plan.actions.count, applies: true))

        mark = Counter(transports)
        let converged = try plan(desired, store: store, applier: applier)
        rows.append(Row(converged, phase: "re-plan, converged", count: mark.take(transports)))
        guard converged.plan.actions.isEmpty else {
            throw BenchmarkErrorText("the converged state still has \(converged.plan.actions.count) changes")
        }

        // Drift: up to 100 archived versions set to candidate by hand, then plan and apply again.
        let drifted = Array(1...min(100, max(versions - 2, 1)))
        for number in drifted {
            try client.setModelVersionTag(model, version: String(number), key: RegistryTags.stage, value: ModelStage.candidate.rawValue)
        }
        mark = Counter(transports)
        let drift = try plan(desired, store: store, applier: applier)
        rows.append(Row(drift, phase: "plan after drift", count: mark.take(transports)))
        guard drift.plan.actions.count == drifted.count else {
            throw BenchmarkErrorText("expected \(drifted.count) drift actions, got \(drift.plan.actions.count)")
        }
        mark = Counter(transports)
        let driftApply = try apply(drift, store: store, applier: applier)
        rows.append(Row(phase: "apply after drift", time: driftApply, count: mark.take(transports), actions: drift.plan.actions.count, applies: true))
        guard try plan(desired, store: store, applier: applier).plan.actions.isEmpty else {
            throw BenchmarkErrorText("the state after repairing the drift still has changes")
        }

        print("  (\(drifted.count) versions' stage tags changed by hand before \"plan after drift\")")
        print("  " + Row.header)
        print("  | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in rows { print("  " + row.line) }

        try overhead(client: client, transport: transport, settings: settings, model: model)
    }

    // MARK: The phases

    private struct Planned {
        var plan: Plan
        var digests: StateDigests
        var databaseRead: Duration
        var registryRead: Duration
        var planning: Duration
        var total: Duration { databaseRead + registryRead + planning }
    }

    /// What `expctl plan` does: read the database and the registry, plan.
    private func plan(_ desired: DesiredState, store: ExpStore, applier: MLflowRegistryApplier) throws -> Planned {
        let (databaseRead, rows) = try measure { try store.observeRows() }
        let (registryRead, registry) = try measure { try applier.currentState() }
        let observed = ObservedState(database: rows.database, jobs: rows.jobs, registry: .read(registry), registryModels: Array(applier.models))
        let (planning, plan) = try measure { Planner.plan(desired: desired, observed: observed, commit: "bench") }
        return Planned(plan: plan, digests: observed.digests, databaseRead: databaseRead, registryRead: registryRead, planning: planning)
    }

    /// What `expctl apply` of a saved plan does: check both digests, carry out the actions.
    private func apply(_ planned: Planned, store: ExpStore, applier: MLflowRegistryApplier) throws -> Duration {
        try measure {
            try CrossSystemApply(store: store).apply(planned.plan, ref: "refs/heads/main", expected: .digests(planned.digests), registry: applier)
        }.elapsed
    }

    /// Version N production, N-1 candidate, every other archived.
    private func desiredState(_ model: String) -> DesiredState {
        let promotions = (1...versions).map { number in
            let stage: ModelStage = number == versions ? .production : number == versions - 1 ? .candidate : .archived
            return Promotion(
                model: model, target: .version(String(number)), stage: stage,
                origin: SourceLocation(path: "promotions/\(model).yaml", line: number * 3, column: 5))
        }
        return DesiredState(promotions: promotions)
    }

    // MARK: Overhead per request

    /// The same GET `requests` times through the MLflow client, through the transport alone,
    /// and through one `curl` process; `/health` through curl as the server's own floor.
    private func overhead(client: MLflowClient, transport: CurlTransport, settings: MLflowSettings, model: String) throws {
        let version = String(versions)
        let url = settings.trackingURI + "/api/2.0/mlflow/model-versions/get?name=\(model)&version=\(version)"
        let health = settings.trackingURI + "/health"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-curl-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("get.curlrc")
        let healthConfig = directory.appendingPathComponent("health.curlrc")
        try curlConfig(url).write(to: config, atomically: true, encoding: .utf8)
        try curlConfig(health).write(to: healthConfig, atomically: true, encoding: .utf8)

        // Warm the connection and check the answer once.
        guard try client.modelVersion(model, version: version) != nil else { throw BenchmarkErrorText("\(url) found no version") }
        let connectionsBefore = transport.connectionCount
        let paths: [(name: String, body: () throws -> Void)] = [
            ("MLflowClient.modelVersion (CurlTransport, JSON decoded)", {
                for _ in 0..<requests { _ = try client.modelVersion(model, version: version) }
            }),
            ("CurlTransport.send alone (no JSON)", {
                for _ in 0..<requests {
                    let response = try transport.send(.get(url))
                    guard response.isSuccess else { throw BenchmarkErrorText("GET \(url) answered \(response.status)") }
                }
            }),
            ("curl -K, one process, keep-alive", { try runCurl(config) }),
            ("curl -K on /health (the server's floor)", { try runCurl(healthConfig) }),
        ]
        // Each round runs every path, starting one later each time, so that a server that
        // slows down or speeds up during the run does not favour one path.
        var wall = Array(repeating: [Duration](), count: paths.count)
        var cpu = Array(repeating: [Double](), count: paths.count)
        for round in 0..<rounds {
            for offset in 0..<paths.count {
                let index = (round + offset) % paths.count
                let cpuBefore = cpuSeconds()
                wall[index].append(try measure(paths[index].body).elapsed)
                cpu[index].append(cpuSeconds() - cpuBefore)
            }
        }
        let connections = transport.connectionCount - connectionsBefore
        let micros = wall.map { perRequest(median($0)) }
        let cpuMicros = cpu.map { $0.sorted()[$0.count / 2] * 1e6 / Double(requests) }
        let curl = micros[2]
        print("overhead per request: \(requests) identical GETs of model-versions/get, median of \(rounds) rounds")
        print("  (client and transport opened \(connections) new connections; each curl run opened 1)")
        print("  | path | wall µs/request | minus curl | CPU µs/request (this process or curl) |")
        print("  | --- | --- | --- | --- |")
        for index in paths.indices {
            let difference = index == 2 ? "0" : micro(micros[index] - curl)
            print("  | \(paths[index].name) | \(micro(micros[index])) | \(difference) | \(micro(cpuMicros[index])) |")
        }
        print("  ratio client / curl (wall): \(String(format: "%.3f", micros[0] / curl)); difference \(micro(micros[0] - curl)) µs/request")
    }

    /// CPU seconds (user + system) of this process and of its waited-for children (curl).
    private func cpuSeconds() -> Double {
        var total = 0.0
        for who in [RUSAGE_SELF.rawValue, RUSAGE_CHILDREN.rawValue] {
            var usage = rusage()
            getrusage(who, &usage)
            total += Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        return total
    }

    /// One `url`/`output` pair per request; `-w` prints the status and the connections opened.
    private func curlConfig(_ url: String) -> String {
        var text = "silent\nwrite-out = \"%{http_code} %{num_connects}\\n\"\n"
        for _ in 0..<requests { text += "url = \"\(url)\"\noutput = \"/dev/null\"\n" }
        return text
    }

    /// Runs curl on a config; every answer must be 200 and only the first may connect.
    private func runCurl(_ config: URL) throws {
        let output = try Shell.run("curl", ["-K", config.path])
        let lines = output.split(separator: "\n")
        guard lines.count == requests, lines.allSatisfy({ $0.hasPrefix("200 ") }) else {
            throw BenchmarkErrorText("curl did not answer 200 \(requests) times: \(lines.prefix(3))")
        }
        let connects = lines.reduce(0) { $0 + (Int($1.split(separator: " ").last ?? "") ?? 0) }
        guard connects == 1 else { throw BenchmarkErrorText("curl opened \(connects) connections, not 1") }
    }

    // MARK: Helpers

    /// The benchmark's transports: the main one and those of the applier's writing threads.
    private final class Transports {
        private(set) var all: [CurlTransport]
        init(_ first: CurlTransport) { all = [first] }
        func make() -> CurlTransport {
            let transport = CurlTransport()
            all.append(transport)
            return transport
        }
        var requests: Int { all.reduce(0) { $0 + $1.requestCount } }
        var connections: Int { all.reduce(0) { $0 + $1.connectionCount } }
    }

    /// Requests and connections the transports made since the mark.
    private struct Counter {
        var requests: Int
        var connections: Int
        init(_ transports: Transports) {
            requests = transports.requests
            connections = transports.connections
        }
        mutating func take(_ transports: Transports) -> (requests: Int, connections: Int) {
            let result = (transports.requests - requests, transports.connections - connections)
            self = Counter(transports)
            return result
        }
    }

    private struct Row {
        var phase: String
        var time: Duration
        var count: (requests: Int, connections: Int)
        var actions: Int
        /// Whether the phase carries the actions out (else it plans them).
        var applies = false
        /// Of a plan: the registry read and the planner alone.
        var parts: (registry: Duration, planner: Duration)?

        init(phase: String, time: Duration, count: (requests: Int, connections: Int), actions: Int, applies: Bool) {
            self.phase = phase
            self.time = time
            self.count = count
            self.actions = actions
            self.applies = applies
        }

        init(_ planned: Planned, phase: String, count: (requests: Int, connections: Int)) {
            self.init(phase: phase, time: planned.total, count: count, actions: planned.plan.actions.count, applies: false)
            parts = (planned.registryRead, planned.planning)
        }

        static let header = "| phase | time | of which registry read / planner | actions | requests | new connections | ms/request | requests/action | actions/s |"

        static func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }

        var line: String {
            let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
            let perRequest = count.requests == 0 ? "–" : String(format: "%.1f", seconds * 1000 / Double(count.requests))
            let perAction = !applies || actions == 0 ? "–" : String(format: "%.2f", Double(count.requests) / Double(actions))
            let rate = !applies || actions == 0 ? "–" : String(format: "%.0f", Double(actions) / seconds)
            let split = parts.map { String(format: "%.1f / %.1f ms", Self.milliseconds($0.registry), Self.milliseconds($0.planner)) } ?? "–"
            return "| \(phase) | \(String(format: "%.1f ms", seconds * 1000)) | \(split) | \(actions) | \(count.requests) | \(count.connections) | \(perRequest) | \(perAction) | \(rate) |"
        }
    }

    private func measure<T>(_ body: () throws -> T) throws -> (elapsed: Duration, result: T) {
        let start = clock.now
        let result = try body()
        return (clock.now - start, result)
    }

    private func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }
    private func seconds(_ duration: Duration) -> Double { duration.seconds }
    /// Microseconds per request of a run of `requests`.
    private func perRequest(_ duration: Duration) -> Double { seconds(duration) * 1e6 / Double(requests) }
    private func micro(_ value: Double) -> String { String(format: "%.0f", value) }
    private func format(_ duration: Duration) -> String { String(format: "%8.1f ms", seconds(duration) * 1000) }
}
