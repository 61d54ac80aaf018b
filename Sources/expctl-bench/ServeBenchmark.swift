import ExpctlPostgres
import ExpctlStore
import Foundation

/// `expctl-bench serve`: the two APIs of `expctl serve` under load on loopback, each beside its
/// floor in the same run.
///
/// - Assignment: wrk drives `POST /v1/assignments` with `connections` connections, half the
///   requests for units already assigned (returning) and half for new ones; the floor is
///   pgbench running the equivalent `INSERT … ON CONFLICT DO NOTHING` with as many clients and
///   the same mix.
/// - Events: wrk drives `POST /v1/events/batch` with batches of `batch` events; the floor is
///   `COPY … FROM STDIN` of as many of the same rows into `exp.events`.
///
/// The service is the `expctl` executable built beside this one, run as users run it
/// (`expctl serve --skip-registry --skip-jobs` over a generated repository), on a fresh database.
struct ServeBenchmark {
    var databaseURL: String?
    var connections = 64
    var seconds = 10
    var batch = 500
    var returningUnits = 20_000

    static let token = "bench-token-0123456789abcdef"

    func run() throws {
        let settings = ConnectionSettings.resolve(databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_serve_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let repository = try BenchRepository()
        let service = try ServeProcess(repository: repository.path, databaseURL: url, token: Self.token)
        defer { service.stop() }
        let connection = try PostgresConnection(.resolve(databaseURL: url, environment: [:]))
        let ids = try service.waitUntilServing(connection)
        try connection.execute(
            """
            INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
            SELECT $1, 'r' || i, 'user', $2, i % 10000 FROM generate_series(1, $3) AS i
            """, [.text(ids.experiment), .text(ids.variant), .integer(Int64(returningUnits))])
        try connection.execute("ANALYZE exp.assignments")
        print("serve: \(connections) connections, \(seconds) s each, 2 wrk threads; \(returningUnits) returning units")

        let assignment = try LoadTools.wrk(
            url: "http://127.0.0.1:\(service.port)/v1/assignments", script: assignmentScript(), connections: connections,
            threads: 2, seconds: seconds)
        let floor = try LoadTools.pgbench(
            url: url, script: pgbenchScript(ids), clients: connections, threads: 2, seconds: seconds)
        print(
            "  assignment: \(Int(assignment.requestsPerSecond)) requests/s, p50 \(ms(assignment.p50Milliseconds)),"
                + " p99 \(ms(assignment.p99Milliseconds)) (\(assignment.requests) requests, \(assignment.non2xx) not 2xx)")
        print(
            "  floor: pgbench, the same INSERT … ON CONFLICT and mix: \(Int(floor.transactionsPerSecond)) tps,"
                + " average \(ms(floor.averageLatencyMilliseconds)); ratio"
                + " \(String(format: "%.2f", assignment.requestsPerSecond / floor.transactionsPerSecond))"
                + " (target ≥ 0.5, p99 < 10 ms)")

        let before = try connection.execute("SELECT count(*) AS n FROM exp.events").int(0, "n") ?? 0
        let events = try LoadTools.wrk(
            url: "http://127.0.0.1:\(service.port)/v1/events/batch", script: eventsScript(ids), connections: 8,
            threads: 2, seconds: seconds)
        let stored = (try connection.execute("SELECT count(*) AS n FROM exp.events").int(0, "n") ?? 0) - before
        let eventRate = Double(stored) / Double(seconds)
        let copySeconds = try copyFloor(connection, ids, rows: Int(stored))
        let copyRate = Double(stored) / copySeconds
        print(
            "  events: \(Int(eventRate)) events/s stored through /v1/events/batch (\(batch) a request,"
                + " \(Int(events.requestsPerSecond)) requests/s, p99 \(ms(events.p99Milliseconds)), \(events.non2xx) not 2xx)")
        print(
            "  floor: COPY of the same \(stored) rows into exp.events: \(String(format: "%.2f", copySeconds)) s ="
                + " \(Int(copyRate)) events/s; ratio \(String(format: "%.2f", eventRate / copyRate)) (target ≥ 0.5)")
    }

    private func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }

    /// Half the requests for a returning unit (`r1` … `rN`, assigned before the run), half for a
    /// new one (a counter per connection).
    private func assignmentScript() -> String {
        """
        local counter = 0
        local thread_tag = tostring(math.random(1, 1000000000))
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer \(Self.token)"
        request = function()
          local unit
          if math.random() < 0.5 then
            unit = "r" .. math.random(1, \(returningUnits))
          else
            counter = counter + 1
            unit = "n" .. thread_tag .. "-" .. counter
          end
          return wrk.format(nil, nil, nil,
            '{"unit_type":"user","unit_id":"' .. unit .. '","requested_experiments":["bench_exp"]}')
        end
        """
    }

    private func pgbenchScript(_ ids: ServeProcess.IDs) -> String {
        let insert = { (unit: String, bucket: String) in
            "INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket) VALUES ('\(ids.experiment)',"
                + " \(unit), 'user', '\(ids.variant)', \(bucket)) ON CONFLICT DO NOTHING;"
        }
        return """
            \\set r random(1, \(returningUnits))
            \\set n random(1, 2000000000)
            \\set coin random(0, 1)
            \\if :coin = 0
            \(insert("'r' || :r", ":r % 10000"))
            \\else
            \(insert("'p' || :n", ":n % 10000"))
            \\endif

            """
    }

    /// The same batch every request, without client event ids (so every copy is stored).
    private func eventsScript(_ ids: ServeProcess.IDs) -> String {
        let event =
            #"{"event_type":"plan_generated","unit_type":"user","unit_id":"r1","#
            + #""experiments":[{"experiment_id":"\#(ids.experiment)","variant_id":"\#(ids.variant)"}],"#
            + #""context":{"policy_version_id":"\#(ids.policyVersion)"},"#
            + #""metrics":{"latency_ms":450,"cost_usd":0.004,"validator_interventions":0},"#
            + #""timestamp":"2026-12-01T10:00:00Z"}"#
        let body = #"{"events":["# + Array(repeating: event, count: batch).joined(separator: ",") + "]}"
        return """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer \(Self.token)"
            wrk.body = '\(body)'
            """
    }

    /// Seconds to COPY `rows` events like those the batches carry into `exp.events`.
    private func copyFloor(_ connection: PostgresConnection, _ ids: ServeProcess.IDs, rows: Int) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try connection.copyIn(
            "COPY exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, policy_version_id, context,"
                + " metrics, occurred_at) FROM STDIN"
        ) { writer in
            let context = #"{"policy_version_id":"\#(ids.policyVersion)"}"#
            let metrics = #"{"latency_ms":450,"cost_usd":0.004,"validator_interventions":0}"#
            for _ in 0..<rows {
                try writer.append("plan_generated")
                try writer.append("user")
                try writer.append("r1")
                try writer.append(ids.experiment)
                try writer.append(ids.variant)
                try writer.append(ids.policyVersion)
                try writer.append(context)
                try writer.append(metrics)
                try writer.append("2026-12-01T10:00:00Z")
                try writer.endRow()
            }
        }
        return (clock.now - start).seconds
    }
}
