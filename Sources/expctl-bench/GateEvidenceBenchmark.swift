import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStatistics
import ExpctlStore
import Foundation

/// The SQL half of `expctl-bench gates-pass`: the time of `ExpStore.observeGates()` over the
/// fixture's running experiments, on a database of its own, against its floor in the same run:
/// the server's execution time of the same statements (`EXPLAIN (ANALYZE, TIMING OFF)`) and
/// `psql` running them with its output thrown away.
///
/// Setup (timed, not the point): the tree applied by `CrossSystemApply` (the registry skipped),
/// `unitsPerExperiment` units per experiment assigned through `Experiment.variant(forUnit:)`
/// over 14 days from the allocations' time (as `expctl simulate --experiment` does), their
/// `plan_generated` and `plan_accepted` events from `UnitTrafficModel`, both by COPY; the
/// recorded decisions of the in-memory half; then ANALYZE. The online sums read back are
/// checked against the ones computed while writing the events.
struct GateEvidenceBenchmark {
    var fixture: GatePassFixture
    var desired: DesiredState
    var recorded: [GateReport]
    var unitsPerExperiment: Int
    var seed: UInt64
    var databaseURL: String?
    /// Where to write each statement's `EXPLAIN (ANALYZE, BUFFERS)` plan, if anywhere.
    var explainFile: String?
    var runs = 3
    var days = 14

    func run() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_gates_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let connection = try PostgresConnection(.resolve(databaseURL: url, environment: [:]))
        let store = ExpStore(connection: connection)
        try store.migrate()

        let clock = ContinuousClock()
        var start = clock.now
        let empty = ObservedState(database: try store.actualState(), registry: .skipped)
        let plan = Planner.plan(desired: desired, observed: empty, commit: "bench")
        _ = try CrossSystemApply(store: store).apply(plan, ref: nil, expected: .observed(empty), registry: nil)
        let applied = clock.now - start
        start = clock.now
        let written = try writeTraffic(connection)
        let trafficTime = clock.now - start
        start = clock.now
        let decisions = try connection.transaction { try store.recordGateDecisions(recorded, commit: "bench") }
        try connection.execute("ANALYZE")
        let analyzed = clock.now - start
        print(
            "gates-pass SQL: \(NumberText.grouped(desired.experiments.count)) running experiments x 2 variants, "
                + "\(NumberText.grouped(unitsPerExperiment)) units each over \(days) days")
        print(
            "  rows: \(NumberText.grouped(written.assignments)) assignments, \(NumberText.grouped(written.generated)) "
                + "plan_generated + \(NumberText.grouped(written.accepted)) plan_accepted = "
                + "\(NumberText.grouped(written.generated + written.accepted)) events, \(decisions) gate decisions")
        print(
            "  setup: apply \(plan.actions.count) actions " + seconds(applied) + ", COPY assignments and events "
                + seconds(trafficTime)
                + String(format: " (%.0f events/s)", Double(written.events) / trafficTime.seconds)
                + ", decisions + ANALYZE " + seconds(analyzed))

        // The whole read, as a pass makes it; once to warm the caches, then timed.
        let observation = try store.observeGates()
        try check(observation, against: written.sums)
        let read = try median { _ = try store.observeGates() }
        let statements = try store.gateEvidenceStatements()
        var executions: [(name: String, rows: Int, client: Double, server: Double)] = []
        for statement in statements {
            let rows = try connection.execute(statement.sql, statement.parameters).rows.count
            let client = try median { _ = try connection.execute(statement.sql, statement.parameters) }
            let server = try medianValue { try explainExecutionTime(statement, connection) }
            executions.append((statement.name, rows, client, server))
        }
        let psql = try median { try psqlRun(url: url, statements) }
        if let explainFile { try writePlans(statements, connection, to: explainFile) }
        let serverTotal = executions.reduce(0) { $0 + $1.server }
        print("  median of \(runs) after a warm-up:")
        print(
            "  ExpStore.observeGates() (SQL + rows into Swift values): " + milliseconds(read)
                + String(
                    format: "; ratio %.2f to the server's execution, %.2f to psql", read / serverTotal, read / psql))
        print(
            "  floor: the same statements' execution in the server, EXPLAIN (ANALYZE, TIMING OFF): "
                + milliseconds(serverTotal))
        print(
            "  floor: psql -c each statement, output to /dev/null (one process and connection): " + milliseconds(psql))
        for execution in executions {
            print(
                "    \(execution.name.padding(toLength: 26, withPad: " ", startingAt: 0)) "
                    + "\(String(NumberText.grouped(execution.rows)).leftPadded(9)) rows  server "
                    + milliseconds(execution.server)
                    + "  through libpq " + milliseconds(execution.client))
        }
    }

    /// What the traffic wrote, and the online sums of each experiment's variants as its events give them.
    struct Written {
        var assignments = 0
        var generated = 0
        var accepted = 0
        var sums: [String: [String: [RatioSums]]] = [:]
        var events: Int { generated + accepted }
    }

    private func writeTraffic(_ connection: PostgresConnection) throws -> Written {
        let ids = try connection.execute(
            """
            SELECT e.name AS experiment, e.id AS experiment_id, v.name AS variant, v.id AS variant_id,
                   v.policy_version_id, extract(epoch FROM v.updated_at)::bigint AS phase
            FROM exp.variants v JOIN exp.experiments e ON e.id = v.experiment_id
            """)
        var rows: [String: [String: (experiment: String, variant: String, policyVersion: String)]] = [:]
        var phase: Int64 = 0
        for row in ids.rows.indices {
            rows[ids.string(row, "experiment")!, default: [:]][ids.string(row, "variant")!] = (
                ids.string(row, "experiment_id")!, ids.string(row, "variant_id")!,
                ids.string(row, "policy_version_id")!
            )
            phase = max(phase, ids.int(row, "phase")!)
        }
        var written = Written()
        let span = Int64(days) * 86_400
        /// Experiment `index`'s units, their variants, first visits and plans: the same on each call.
        func units(_ index: Int) -> [(
            unit: String, variant: String, bucket: Int, first: Int64, plans: [UnitTrafficModel.Plan]
        )] {
            var generator = SeededGenerator(seed: seed &+ 0x5EED, index: index)
            let model = UnitTrafficModel(acceptanceEffect: GatePassFixture.acceptanceEffect(index))
            return (0..<unitsPerExperiment).compactMap { number in
                let unit = "user-\(index)-\(number)"
                guard let assigned = desired.experiments[index].variant(forUnit: unit) else { return nil }
                let first = phase + 1 + Int64(generator.uniform() * Double(span))
                let plans = model.plans(candidate: assigned.variant.name != "baseline", generator: &generator)
                return (unit, assigned.variant.name, assigned.bucket, first, plans)
            }
        }
        // Units first, then their events, each in one COPY, as one producer would.
        written.assignments = try connection.copyIn(
            "COPY exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket, assigned_at) FROM STDIN"
        ) { writer in
            for (index, experiment) in desired.experiments.enumerated() {
                let ids = rows[experiment.name]!
                for unit in units(index) {
                    try writer.append(ids[unit.variant]!.experiment)
                    try writer.append(unit.unit)
                    try writer.append("user")
                    try writer.append(ids[unit.variant]!.variant)
                    writer.append(unit.bucket)
                    try writer.append(Timestamp(seconds: unit.first).description)
                    try writer.endRow()
                }
            }
        }
        _ = try connection.copyIn(
            "COPY exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, policy_version_id, metrics, "
                + "occurred_at) FROM STDIN"
        ) { writer in
            for (index, experiment) in desired.experiments.enumerated() {
                let ids = rows[experiment.name]!
                var sums: [String: [RatioSums]] = [:]
                for unit in units(index) {
                    let id = ids[unit.variant]!
                    UnitTrafficModel.accumulate(
                        unit.plans,
                        into: &sums[
                            unit.variant, default: Array(repeating: .zero, count: UnitTrafficModel.metrics.count)])
                    for (visit, plan) in unit.plans.enumerated() {
                        let time = unit.first + Int64(visit) * 86_400
                        func row(_ type: String, _ metrics: String, at seconds: Int64) throws {
                            for field in [
                                type, "user", unit.unit, id.experiment, id.variant, id.policyVersion, metrics,
                            ] {
                                try writer.append(field)
                            }
                            try writer.append(Timestamp(seconds: seconds).description)
                            try writer.endRow()
                        }
                        let cost = String(format: "%.6f", Double(plan.costMicros) / 1e6)
                        let metrics =
                            #"{"cost_usd":\#(cost),"latency_ms":\#(plan.latencyMS),"#
                            + #""validator_interventions":\#(plan.interventions)}"#
                        try row("plan_generated", metrics, at: time)
                        written.generated += 1
                        if let edits = plan.edits {
                            try row("plan_accepted", #"{"edit_count":\#(edits)}"#, at: time + 3_600)
                            written.accepted += 1
                        }
                    }
                }
                written.sums[experiment.name] = sums
            }
        }
        return written
    }

    /// The online sums read back agree with those of the events written (to rounding).
    private func check(_ observation: GateObservation, against sums: [String: [String: [RatioSums]]]) throws {
        for (experiment, variants) in sums {
            for (variant, expected) in variants {
                guard let read = observation.online[experiment]?.variants[variant] else {
                    throw BenchmarkErrorText("observeGates() has no data for \(experiment)/\(variant)")
                }
                for (metric, sums) in zip(UnitTrafficModel.metrics, expected) {
                    let got = read.metrics[metric]
                    guard read.units == sums.units, let got,
                        abs(got.numeratorSum - sums.numeratorSum) <= 1e-6 * max(1, abs(sums.numeratorSum)),
                        abs(got.denominatorSum - sums.denominatorSum) <= 1e-6 * max(1, abs(sums.denominatorSum))
                    else {
                        throw BenchmarkErrorText(
                            "\(experiment)/\(variant) \(metric): read \(String(describing: got)), wrote \(sums)")
                    }
                }
            }
        }
    }

    /// The server's execution time of `statement`, in seconds.
    private func explainExecutionTime(
        _ statement: (name: String, sql: String, parameters: [PostgresValue]), _ connection: PostgresConnection
    ) throws -> Double {
        let result = try connection.execute("EXPLAIN (ANALYZE, TIMING OFF) " + statement.sql, statement.parameters)
        for row in result.rows.indices {
            guard let line = result.string(row, "QUERY PLAN"), line.hasPrefix("Execution Time: ") else { continue }
            let number = line.dropFirst("Execution Time: ".count).prefix { $0 == "." || $0.isNumber }
            if let milliseconds = Double(number) { return milliseconds / 1000 }
        }
        throw BenchmarkErrorText("EXPLAIN ANALYZE of \(statement.name) printed no execution time")
    }

    private func writePlans(
        _ statements: [(name: String, sql: String, parameters: [PostgresValue])], _ connection: PostgresConnection,
        to path: String
    ) throws {
        var text = ""
        for statement in statements {
            let plan = try connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.parameters)
            text +=
                "-- \(statement.name)\n"
                + plan.rows.indices.compactMap { plan.string($0, "QUERY PLAN") }
                .joined(separator: "\n") + "\n\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("  plans written to \(path)")
    }

    /// `psql` running the statements (parameters spelt as literals) with its output thrown away.
    private func psqlRun(url: String, _ statements: [(name: String, sql: String, parameters: [PostgresValue])]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["psql", "--no-psqlrc", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", url]
        for statement in statements {
            var sql = statement.sql
            for (number, value) in statement.parameters.enumerated().reversed() {
                sql = sql.replacingOccurrences(of: "$\(number + 1)", with: try psqlLiteral(value))
            }
            arguments += ["-c", sql]
        }
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkErrorText("psql failed") }
    }

    private func median(_ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = clock.now
            try body()
            times.append((clock.now - start).seconds)
        }
        return times.sorted()[times.count / 2]
    }

    /// The median of `runs` values `body` returns.
    private func medianValue(_ body: () throws -> Double) throws -> Double {
        try (0..<runs).map { _ in try body() }.sorted()[runs / 2]
    }

    private func milliseconds(_ value: Double) -> String { String(format: "%8.1f ms", value * 1000) }

    private func seconds(_ duration: Duration) -> String { String(format: "%.1f s", duration.seconds) }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
