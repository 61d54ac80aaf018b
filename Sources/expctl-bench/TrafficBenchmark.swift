import ExpctlPostgres
import ExpctlSimulation
import ExpctlStore
import Foundation

/// `expctl-bench simulate-traffic`: the time of `expctl simulate --experiment` for `units`
/// units (about 4.8 events each over 14 days: the default 210,000 make a million) against its
/// floor, `psql \copy` of the same event rows from a file into `exp.events` (in a transaction
/// rolled back), on a fresh database.
struct TrafficBenchmark {
    var units: Int
    var databaseURL: String?

    func run() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_traffic_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let connection = try PostgresConnection(.resolve(databaseURL: url, environment: [:]))
        try ExpStore(connection: connection).migrate()
        try Self.runningExperiment(connection)

        let clock = ContinuousClock()
        let start = clock.now
        let config = TrafficConfig(
            units: units, days: 14, seed: 7,
            effects: [TrafficEffect(variant: "candidate", metric: .planAcceptanceRate, relative: 0.05)])
        let summary = try TrafficWriter(experiment: "bench_exp", config: config).write(to: connection)
        let elapsed = (clock.now - start).seconds
        print("simulate-traffic: \(units) units over 14 days, \(summary.events) events")
        print(
            "  expctl simulate --experiment (assign + generate + COPY + ANALYZE): \(String(format: "%.1f", elapsed)) s"
                + " = \(Int(Double(summary.events) / elapsed)) events/s")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-traffic-\(getpid())")
        defer { try? FileManager.default.removeItem(at: file) }
        let columns =
            "event_type, unit_type, unit_id, experiment_id, variant_id, policy_version_id, context, metrics, payload,"
            + " occurred_at, received_at"
        guard let out = fopen(file.path, "wb") else { throw BenchmarkErrorText("cannot write \(file.path)") }
        _ = try connection.copyOut("COPY (SELECT \(columns) FROM exp.events ORDER BY id) TO STDOUT") { line in
            fwrite(line.baseAddress, 1, line.count, out)
        }
        fclose(out)
        let floor = try psqlCopy(url: url, columns: columns, file: file.path)
        print(
            "  floor: psql \\copy of the same rows into exp.events: \(String(format: "%.1f", floor)) s"
                + " = \(Int(Double(summary.events) / floor)) events/s; ratio \(String(format: "%.2f", floor / elapsed))"
                + " (1.0: at the floor)")
    }

    /// The seconds `psql` takes to `\copy` the file into `exp.events`, in a transaction it rolls back.
    private func psqlCopy(url: String, columns: String, file: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "psql", "--no-psqlrc", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", "BEGIN",
            "-c", "\\copy exp.events (\(columns)) FROM '\(file)'", "-c", "ROLLBACK",
        ]
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkErrorText("psql \\copy failed") }
        return (clock.now - start).seconds
    }

    /// A running 50/50 experiment, `control` and `candidate`, each on its own policy version.
    static func runningExperiment(_ connection: PostgresConnection) throws {
        for statement in [
            "INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('bench_policy', 'c', 'p.yaml')",
            """
            INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, mlflow_model_version, source_commit,
                                             source_path)
            SELECT id, v, 'bench_model', v::text, 'c', 'p.yaml' FROM exp.policies, generate_series(1, 2) AS v
            """,
            """
            INSERT INTO exp.experiments (name, unit_type, status, baseline_variant, source_commit, source_path)
            VALUES ('bench_exp', 'user', 'running', 'control', 'c', 'e.yaml')
            """,
            """
            INSERT INTO exp.variants (experiment_id, name, allocation, position, policy_version_id, source_commit,
                                      source_path)
            SELECT e.id, x.name, 0.5, x.position, pv.id, 'c', 'e.yaml'
            FROM exp.experiments e, (VALUES ('control', 0, 1), ('candidate', 1, 2)) AS x (name, position, version)
            JOIN exp.policy_versions pv ON pv.version = x.version
            """,
        ] {
            try connection.execute(statement)
        }
    }
}
