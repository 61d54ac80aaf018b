import ExpctlDatasets
import ExpctlModel
import ExpctlPostgres
import ExpctlSimulation
import ExpctlStore
import Foundation

/// Measures the jobs' data paths on a simulated world of about `events` events: writing the
/// world (`expctl simulate`), the floor of the dataset build (the same join through
/// `COPY … TO STDOUT` into /dev/null) against the build itself (rows parsed, split, written to
/// data.jsonl and training.parquet, hashed), as events per second in one run.
struct JobsBenchmark {
    var events: Int
    var databaseURL: String?
    var rounds: Int
    /// Rows the offline replay scores.
    var evaluationRows = 100_000

    func run() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_jobs_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let connection = try PostgresConnection(.resolve(databaseURL: url, environment: [:]))
        try ExpStore(connection: connection).migrate()

        // About 0.26 events per household and day (a weekly plan, 80% accepted): 20,000
        // households over 192 days give a million.
        let days = 192
        let households = max(1, Int((Double(events) / (0.26 * Double(days))).rounded()))
        let clock = ContinuousClock()
        var start = clock.now
        let world = SimulatedWorld(SimulationConfig(households: households, days: days, seed: 7))
        let summary = try SimulationWriter(schema: try DomainSchema("app")).write(world, to: connection)
        let simulateTime = clock.now - start
        try connection.execute("ANALYZE")
        print(
            "simulated world: \(households) households x \(days) days, \(summary.events) events, "
                + "\(summary.pantryItems) pantry items")
        print(
            "  simulate (generate + COPY FROM STDIN): \(format(simulateTime)) = "
                + "\(Int(Double(summary.events) / seconds(simulateTime))) events/s")

        let dataset = DatasetConfig(
            name: "bench/all", task: "planner", since: SimulationConfig.defaultStart,
            until: Timestamp(seconds: SimulationConfig.defaultStart.seconds + Int64(days + 1) * 86_400),
            validationShare: 0.1, seed: 42, origin: SourceLocation(path: "bench", line: 1, column: 1))
        let statement = try DatasetBuilder.rowsCopyStatement(for: dataset)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-datasets-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        for round in 1...rounds {
            guard let devNull = fopen("/dev/null", "wb") else { throw BenchmarkErrorText("cannot open /dev/null") }
            start = clock.now
            var floorBytes = 0
            let floorRows = try connection.copyOut(statement) { line in
                floorBytes += line.count
                fwrite(line.baseAddress, 1, line.count, devNull)
            }
            let floorTime = clock.now - start
            fclose(devNull)
            let store = try DatasetStore(root: root.appendingPathComponent("round-\(round)").path)
            start = clock.now
            let built = try DatasetBuilder(store: store, connection: connection).build(dataset)
            let buildTime = clock.now - start
            guard built.rows == floorRows else {
                throw BenchmarkErrorText("the build wrote \(built.rows) rows, the floor read \(floorRows)")
            }
            let floorRate = Double(summary.events) / seconds(floorTime)
            let buildRate = Double(summary.events) / seconds(buildTime)
            print("round \(round): \(built.rows) rows (\(floorBytes / 1_000_000) MB of COPY text)")
            print("  floor: COPY … TO STDOUT into /dev/null: \(format(floorTime)) = \(Int(floorRate)) events/s")
            print(
                "  dataset build (jsonl + parquet + digest): \(format(buildTime)) = \(Int(buildRate)) events/s, "
                    + "ratio to the floor \(String(format: "%.2f", buildRate / floorRate)) (target >= 0.5)")
            if round == rounds {
                try EvaluationBenchmark(folder: URL(fileURLWithPath: built.folder), rows: evaluationRows).run()
            }
        }
    }

    private func seconds(_ duration: Duration) -> Double { duration.seconds }

    private func format(_ duration: Duration) -> String { String(format: "%.2f s", seconds(duration)) }
}
