import ExpctlDatasets
import ExpctlModel
import ExpctlPostgres
import ExpctlSimulation
import ExpctlStore
import Foundation
import Synchronization

/// `expctl-bench scale`: `exp.events` at a hundred million rows (or as many as the free disk
/// allows, at least ten million), in a database of its own, and four figures against their
/// floors, the same SQL run by `psql`:
///
/// - a gate pass over the running experiments after `newEvents` new events (the gates' evidence
///   read from the per-unit sums plus the events above the watermark), then the fold of those
///   events into the sums that follows the pass: what a reconcile pass does, in its order;
/// - a dataset build of one day's window (the simulated world's last day);
/// - the metrics aggregation of one hour.
struct ScaleBenchmark {
    var events = 100_000_000
    var experiments = 1_000
    var unitsPerExperiment = 100
    var days = 30
    var newEvents = 100_000
    var rounds = 3
    var databaseURL: String?
    var keep = false

    /// Rows inserted per statement while filling.
    private let chunk = 5_000_000
    /// Disk the fill leaves free, whatever it is asked for.
    private let reserveBytes: Int64 = 8 << 30

    func run() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_scale_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer {
            if keep {
                print("kept database \(database)")
            } else {
                _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)")
            }
        }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let connection = try PostgresConnection(.resolve(databaseURL: url, environment: [:]))
        let store = ExpStore(connection: connection)
        try store.migrate()
        let clock = ContinuousClock()
        let today = Int64(Date().timeIntervalSince1970) / 86_400 * 86_400
        let start = Timestamp(seconds: today - Int64(days) * 86_400)
        try setUp(connection, start: start)
        let filled = try fill(connection, start: start, clock: clock)
        try world(connection, start: start)
        let folding = clock.now
        let initial = try UnitMetrics.catchUp(connection)
        print(
            "  folded \(NumberText.grouped(Int(initial.to))) events into \(NumberText.grouped(initial.units)) units' sums"
                + " in \(seconds(clock.now - folding))")
        try connection.execute("ANALYZE")
        print("exp.events: \(NumberText.grouped(filled)) rows, \(try size(connection))")

        try measurePsqlStartup(url: url)
        try gatePass(store, url: url, clock: clock, after: Timestamp(seconds: today - 1))
        try datasetBuild(connection, url: url, clock: clock, day: Timestamp(seconds: today - 86_400))
        try aggregation(connection, url: url, clock: clock, hour: Timestamp(seconds: today - 86_400 + 12 * 3_600))
    }

    /// The running experiments (two variants each on one policy version), their assigned units
    /// (`bench_units`, numbered for the fill), and the day partitions of the window.
    private func setUp(_ connection: PostgresConnection, start: Timestamp) throws {
        for statement in [
            "INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('scale_policy', 'bench', 'bench.yaml')",
            """
            INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, mlflow_model_version, source_commit, source_path)
            SELECT id, 1, 'scale_model', '1', 'bench', 'bench.yaml' FROM exp.policies
            """,
            """
            INSERT INTO exp.experiments (name, unit_type, status, baseline_variant, source_commit, source_path)
            SELECT 'scale-' || n, 'user', 'running', 'control', 'bench', 'bench.yaml' FROM generate_series(1, \(experiments)) n
            """,
            """
            INSERT INTO exp.variants (experiment_id, name, allocation, position, policy_version_id, source_commit, source_path)
            SELECT e.id, v.name, 0.5, v.position, p.id, 'bench', 'bench.yaml'
            FROM exp.experiments e CROSS JOIN (VALUES ('control', 0), ('candidate', 1)) v (name, position)
            CROSS JOIN exp.policy_versions p
            """,
            """
            CREATE TABLE bench_units AS
            SELECT (row_number() OVER (ORDER BY e.n, u) - 1)::bigint AS k, e.id AS experiment_id, v.id AS variant_id,
                   'u' || e.n || '-' || u AS unit_id
            FROM (SELECT id, row_number() OVER (ORDER BY name) AS n FROM exp.experiments) e
            CROSS JOIN generate_series(1, \(unitsPerExperiment)) u
            JOIN exp.variants v ON v.experiment_id = e.id AND v.position = u % 2
            """,
            "CREATE UNIQUE INDEX ON bench_units (k)",
            """
            INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
            SELECT experiment_id, unit_id, 'user', variant_id, k % 10000 FROM bench_units
            """,
            "SELECT exp.ensure_event_partitions('\(start.description.prefix(10))'::date, \(days + 2))",
        ] {
            try connection.execute(statement)
        }
        print(
            "scale: \(experiments) running experiments, \(NumberText.grouped(experiments * unitsPerExperiment)) units,"
                + " \(days) day partitions")
    }

    private var units: Int { experiments * unitsPerExperiment }

    /// Events `(from, to]` of the fill: 60% plans generated, 30% accepted, 10% other, spread
    /// over the window in id order, each unit's in turn (and each unit gets every kind).
    /// `spread: false` puts them all at `start` (the new events of a gate pass).
    private func fillSQL(from: Int, to: Int, total: Int, start: Timestamp, spread: Bool = true) -> String {
        let offset = spread ? "(n::float8 / \(total)) * \(days * 86_400 - 3_600)" : "0"
        return
            """
            INSERT INTO exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, metrics, occurred_at)
            SELECT CASE WHEN r < 6 THEN 'plan_generated' WHEN r < 9 THEN 'plan_accepted' ELSE 'recipe_viewed' END,
                   'user', u.unit_id, u.experiment_id, u.variant_id,
                   CASE WHEN r < 6 THEN jsonb_build_object('latency_ms', 800 + n % 500, 'cost_usd', 0.012,
                                                           'validator_interventions', n % 2)
                        WHEN r < 9 THEN jsonb_build_object('edit_count', n % 4) ELSE '{}' END,
                   '\(start.description)'::timestamptz + \(offset) * interval '1 second'
            FROM generate_series(\(from + 1)::bigint, \(to)::bigint) n
            CROSS JOIN LATERAL (SELECT (n / \(units) + n) % 10 AS r) kind
            JOIN bench_units u ON u.k = n % \(units)
            """
    }

    /// The secondary indexes of `exp.events` (schema version 11), built after the fill.
    private static let secondaryIndexes = [
        "CREATE INDEX events_type_time ON exp.events (event_type, occurred_at)",
        "CREATE INDEX events_experiment ON exp.events (experiment_id, variant_id, occurred_at)",
        "CREATE INDEX events_aggregation ON exp.events (occurred_at) WHERE variant_id IS NOT NULL",
        "CREATE UNIQUE INDEX events_client_event_id ON exp.events (client_event_id, occurred_at)",
    ]

    /// Fills `exp.events` in chunks, as far as the disk allows (measured on the first chunk), as a
    /// bulk load does: foreign-key triggers off (the rows are generated from the experiments'
    /// own ids) and the secondary indexes dropped, then built again.
    private func fill(_ connection: PostgresConnection, start: Timestamp, clock: ContinuousClock) throws -> Int {
        for index in ["events_type_time", "events_experiment", "events_aggregation", "events_client_event_id"] {
            try connection.execute("DROP INDEX exp.\(index)")
        }
        try connection.execute("SET session_replication_role = replica")
        let began = clock.now
        var target = events
        var done = 0
        let emptySize = try databaseBytes(connection)
        while done < target {
            let next = min(target, done + chunk)
            try connection.execute(fillSQL(from: done, to: next, total: events, start: start))
            done = next
            if done == min(chunk, events) {
                let perRow = Double(try databaseBytes(connection) - emptySize) / Double(done)
                let free = try freeBytes(connection)
                let fits = Int(Double(max(0, free - reserveBytes)) / perRow) + done
                if fits < target {
                    target = max(fits, 10_000_000)
                    print(
                        "  the disk has room for \(NumberText.grouped(fits)) events (\(Int(perRow)) bytes a row):"
                            + " filling \(NumberText.grouped(target))")
                }
            }
            let elapsed = (clock.now - began).seconds
            print(
                "  \(NumberText.grouped(done)) events in \(String(format: "%.0f", elapsed)) s"
                    + " (\(NumberText.grouped(Int(Double(done) / elapsed))) a second)")
        }
        try connection.execute("SET session_replication_role = origin")
        let indexing = clock.now
        for index in Self.secondaryIndexes { try connection.execute(index) }
        print("  secondary indexes built in \(seconds(clock.now - indexing))")
        return done
    }

    /// The simulated households of the window's last two days: the dataset build's rows.
    private func world(_ connection: PostgresConnection, start: Timestamp) throws {
        let config = SimulationConfig(
            households: 1_000, days: 2, seed: 3, start: Timestamp(seconds: start.seconds + Int64(days - 2) * 86_400))
        let summary = try SimulationWriter(schema: try DomainSchema("app")).write(
            SimulatedWorld(config), to: connection)
        print(
            "  simulated world: \(NumberText.grouped(summary.events)) events of 1,000 households over the last 2 days")
    }

    // MARK: - The figures

    /// A pass reads the gates' evidence with the new events still above the watermark (the sums
    /// plus the tail), then folds them (`Reconciler.pass()`): two figures, each with its floor.
    private func gatePass(_ store: ExpStore, url: String, clock: ContinuousClock, after: Timestamp) throws {
        let connection = store.connection
        var reads: (ours: [Double], floors: [Double]) = ([], [])
        var folds: (ours: [Double], floors: [Double]) = ([], [])
        for round in 0..<rounds {
            let first = try UnitMetrics.bound(connection)
            try connection.execute(
                fillSQL(from: Int(first), to: Int(first) + newEvents, total: newEvents, start: after, spread: false))
            let evidence = try store.gateEvidenceStatements().map { ($0.sql, $0.parameters) }
            reads.floors.append(try psql(url: url, [("SET LOCAL jit = off", [])] + evidence, rollback: true))
            var began = clock.now
            let observation = try store.observeGates()
            reads.ours.append((clock.now - began).seconds)
            guard observation.online.count == experiments else {
                throw BenchmarkErrorText(
                    "the gate pass read \(observation.online.count) experiments, not \(experiments)")
            }
            try explainOnce(store, round: round)

            let watermark = try UnitMetrics.watermark(connection)
            let bound = try UnitMetrics.bound(connection)
            folds.floors.append(
                try psql(
                    url: url,
                    [
                        ("SET LOCAL jit = off", []), ("LOCK TABLE exp.events IN SHARE MODE", []),
                        (UnitMetrics.boundSQL, []),
                        (UnitMetrics.foldSQL, [.integer(watermark), .integer(bound)]),
                        (UnitMetrics.advanceSQL, [.integer(bound)]),
                    ], rollback: true))
            began = clock.now
            let folded = try store.catchUpUnitMetrics()
            folds.ours.append((clock.now - began).seconds)
            guard folded?.to == bound else {
                throw BenchmarkErrorText("the fold stopped at \(folded?.to ?? 0), not \(bound)")
            }
            print(
                "  pass \(round + 1): gate read \(milliseconds(reads.ours.last!))"
                    + " (psql \(milliseconds(reads.floors.last!))),"
                    + " then the fold of \(NumberText.grouped(newEvents)) events into \(folded?.units ?? 0) units"
                    + " \(milliseconds(folds.ours.last!)) (psql \(milliseconds(folds.floors.last!)))")
        }
        report(
            "gate pass over \(experiments) running experiments, \(NumberText.grouped(newEvents)) new events above the"
                + " watermark", ours: reads.ours, floor: reads.floors, target: "under 1 s")
        report(
            "the fold after the pass (\(NumberText.grouped(newEvents)) events into the per-unit sums)",
            ours: folds.ours, floor: folds.floors, target: "within 2×")
    }

    /// `EXPCTL_SCALE_EXPLAIN=path`: the plans of the gate read's statements on the first pass.
    private func explainOnce(_ store: ExpStore, round: Int) throws {
        guard round == 0, let path = ProcessInfo.processInfo.environment["EXPCTL_SCALE_EXPLAIN"] else { return }
        let connection = store.connection
        var text = ""
        try connection.transaction {
            try connection.execute("SET LOCAL jit = off")
            for statement in try store.gateEvidenceStatements() {
                let plan = try connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
                text +=
                    "-- \(statement.name)\n"
                    + plan.rows.indices.compactMap { plan.string($0, "QUERY PLAN") }
                    .joined(separator: "\n") + "\n\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func datasetBuild(_ connection: PostgresConnection, url: String, clock: ContinuousClock, day: Timestamp)
        throws
    {
        let dataset = DatasetConfig(
            name: "planner/scale", task: "planner", since: day, until: Timestamp(seconds: day.seconds + 86_400),
            domainSchema: "app", origin: SourceLocation(path: "bench", line: 1, column: 1))
        let query = try DatasetBuilder.query(dataset)
        var ours: [Double] = []
        var floors: [Double] = []
        var rows = 0
        for _ in 0..<rounds {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "expctl-scale-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: root) }
            floors.append(try psql(url: url, [("COPY (\(query)) TO STDOUT", [])], rollback: false))
            let began = clock.now
            rows = try DatasetBuilder(store: try DatasetStore(root: root.path), connection: connection).build(dataset)
                .rows
            ours.append((clock.now - began).seconds)
        }
        report(
            "dataset build of one day (\(NumberText.grouped(rows)) rows)", ours: ours, floor: floors,
            target: "within 2× (psql: COPY of the same query to /dev/null)")
    }

    private func aggregation(_ connection: PostgresConnection, url: String, clock: ContinuousClock, hour: Timestamp)
        throws
    {
        let until = Timestamp(seconds: hour.seconds + 3_600)
        let aggregator = MetricAggregator(connection: connection)
        _ = try aggregator.run(since: hour, until: until, widths: [.hour])
        let statements = MetricAggregator.statements(since: hour, until: until, widths: [.hour]).map {
            ($0.sql, $0.parameters)
        }
        var ours: [Double] = []
        var floors: [Double] = []
        var summary = AggregationSummary()
        for _ in 0..<rounds {
            floors.append(try psql(url: url, statements, rollback: false))
            let began = clock.now
            summary = try aggregator.run(since: hour, until: until, widths: [.hour])
            ours.append((clock.now - began).seconds)
        }
        report(
            "aggregation of one hour (\(NumberText.grouped(summary.events)) events, \(summary.buckets) buckets)",
            ours: ours, floor: floors, target: "within 2×")
    }

    // MARK: - Helpers

    private func report(_ what: String, ours: [Double], floor: [Double], target: String) {
        let (mine, theirs) = (median(ours), median(floor))
        print(
            "  (psql's floor is its run less \(milliseconds(psqlStartup)), its start and connection with no statement)")
        print(
            "\(what): \(milliseconds(mine)) (median of \(ours.count)); floor, psql: \(milliseconds(theirs));"
                + " ratio \(String(format: "%.2f", mine / theirs)) — target \(target)")
    }

    /// Seconds `psql` takes to run the statements (parameters spelt as literals) in one
    /// transaction, committed or rolled back, its output thrown away.
    private func psql(url: String, _ statements: [(String, [PostgresValue])], rollback: Bool) throws -> Double {
        var arguments = [
            "psql", "--no-psqlrc", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", url, "-c", "BEGIN",
        ]
        for (sql, parameters) in statements {
            var text = sql
            for (number, value) in parameters.enumerated().reversed() {
                text = text.replacingOccurrences(of: "$\(number + 1)", with: try psqlLiteral(value))
            }
            arguments += ["-c", text]
        }
        arguments += ["-c", rollback ? "ROLLBACK" : "COMMIT"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let began = clock.now
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkErrorText("psql failed") }
        return max(0.0005, (clock.now - began).seconds - (statements.isEmpty ? 0 : psqlStartup))
    }

    /// The median time of `psql` starting, connecting and running an empty transaction.
    private var psqlStartup: Double { Self.startup.withLock { $0 } ?? 0 }
    private static let startup = Mutex<Double?>(nil)

    private func measurePsqlStartup(url: String) throws {
        let runs = try (0..<5).map { _ in try psql(url: url, [], rollback: false) }
        Self.startup.withLock { $0 = median(runs) }
    }

    private func databaseBytes(_ connection: PostgresConnection) throws -> Int64 {
        try connection.execute("SELECT pg_database_size(current_database()) AS bytes").int(0, "bytes") ?? 0
    }

    /// Free bytes where the server keeps its data (this machine's root when it cannot tell).
    private func freeBytes(_ connection: PostgresConnection) throws -> Int64 {
        let directory = try? connection.execute("SHOW data_directory").string(0, "data_directory")
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: directory ?? "/")
        return (attributes[.systemFreeSize] as? NSNumber)?.int64Value ?? 0
    }

    private func size(_ connection: PostgresConnection) throws -> String {
        try connection.execute(
            """
            SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS s FROM pg_inherits
            WHERE inhparent = 'exp.events'::regclass
            """
        ).string(0, "s") ?? "?"
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    private func milliseconds(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }

    private func seconds(_ duration: Duration) -> String { String(format: "%.1f s", duration.seconds) }
}
