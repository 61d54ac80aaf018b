import ExpctlModel
import ExpctlPlan
import ExpctlReconciler
import ExpctlPostgres
import ExpctlStore
import Foundation

/// Measures applying a large desired state to an empty `exp` schema (rows per second), a full
/// re-plan of the converged state (read every managed row, plan, find no changes), and a
/// change of every variant's allocation (updates per second).
struct ApplyBenchmark {
    var experiments: Int
    var variantsPerExperiment: Int
    var databaseURL: String?

    func run() throws {
        let settings = ConnectionSettings.resolve(databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        let admin = try PostgresConnection(settings)
        let database = "expctl_bench_\(getpid())"
        try admin.execute("CREATE DATABASE \(database)")
        defer { _ = try? admin.execute("DROP DATABASE \(database) WITH (FORCE)") }
        let url = try benchmarkDatabaseURL(replacing: database, base: databaseURL)
        let store = ExpStore(connection: try PostgresConnection(.resolve(databaseURL: url, environment: [:])))
        try store.migrate()

        let desired = generate()
        let clock = ContinuousClock()
        let applier = CrossSystemApply(store: store)
        var start = clock.now
        let empty = try observe(store)
        let plan = Planner.plan(desired: desired, observed: empty, commit: "bench")
        let planFromEmpty = clock.now - start
        start = clock.now
        let digest = plan.digest
        let digestTime = clock.now - start
        start = clock.now
        _ = try applier.apply(plan, ref: nil, expected: .observed(empty), registry: nil)
        let applyTime = clock.now - start
        let rows = plan.actions.count
        start = clock.now
        let observed = try observe(store)
        let readTime = clock.now - start
        let replan = Planner.plan(desired: desired, observed: observed, commit: "bench")
        let replanTime = clock.now - start
        guard replan.actions.isEmpty else { throw BenchmarkErrorText("the converged state still has \(replan.actions.count) changes") }

        // Every variant's traffic moves: one allocation update per variant.
        let shifted = generate(shifted: true)
        let reallocation = Planner.plan(desired: shifted, observed: observed, commit: "bench-2")
        start = clock.now
        _ = try applier.apply(reallocation, ref: nil, expected: .observed(observed), registry: nil)
        let reallocationTime = clock.now - start
        guard Planner.plan(desired: shifted, observed: try observe(store), commit: "bench-2").actions.isEmpty else {
            throw BenchmarkErrorText("the reallocated state still has changes")
        }

        print("desired state: \(experiments) experiments x \(variantsPerExperiment) variants, 1 policy with 2 versions")
        print("  plan from empty:                  \(format(planFromEmpty)) (\(rows) actions)")
        print("  apply from empty:                 \(format(applyTime)) = \(Int(Double(rows) / seconds(applyTime))) rows/s")
        print("  of which the plan's digest:       \(format(digestTime)) (\(digest.prefix(12))…)")
        print("  re-plan of the converged state:   \(format(replanTime)) (reading the rows: \(format(readTime)))")
        let updates = reallocation.actions.count
        print("  every allocation changed:         \(format(reallocationTime)) = \(Int(Double(updates) / seconds(reallocationTime))) updates/s (\(updates) actions)")
    }

    /// What a pass observes with the registry skipped (the benchmark measures PostgreSQL).
    private func observe(_ store: ExpStore) throws -> ObservedState {
        let rows = try store.observeRows()
        return ObservedState(database: rows.database, jobs: rows.jobs, registry: .skipped)
    }

    /// With `shifted`, every variant's share moves by a few buckets (the total stays 1).
    private func generate(shifted: Bool = false) -> DesiredState {
        let origin = SourceLocation(path: "bench.yaml", line: 1, column: 1)
        let policy = Policy(name: "planner_policy", versions: [
            PolicyVersion(version: 1, mlflowModelName: "planner_model", model: .registered(version: "1"), origin: origin),
            PolicyVersion(version: 2, mlflowModelName: "planner_model", model: .registered(version: "2"), origin: origin),
        ], origin: origin)
        let share = Allocation.bucketCount / variantsPerExperiment
        let experiments = (0..<experiments).map { index in
            Experiment(
                name: "exp-\(index)", description: "Benchmark experiment \(index)", unitType: .user, status: .running,
                startsAt: Timestamp(seconds: 1_736_121_600), baseline: "v0",
                variants: (0..<variantsPerExperiment).map { number in
                    Variant(
                        name: "v\(number)", allocation: Allocation(buckets: share + (shifted ? shift(number) : 0)),
                        policyVersion: PolicyVersionRef(policy: "planner_policy", version: number % 2 + 1),
                        params: ["exploration_rate": .double(0.1 * Double(number)), "rank": .integer(Int64(number))], origin: origin)
                },
                origin: SourceLocation(path: "experiments/exp-\(index).yaml", line: 2, column: 11))
        }
        return DesiredState(experiments: experiments, policies: [policy])
    }

    /// +50, −50, +50, … buckets, and 0 for the last of an odd count, so the total is unchanged.
    private func shift(_ number: Int) -> Int {
        if number == variantsPerExperiment - 1, variantsPerExperiment % 2 == 1 { return 0 }
        return number % 2 == 0 ? 50 : -50
    }

    private func seconds(_ duration: Duration) -> Double { duration.seconds }

    private func format(_ duration: Duration) -> String { String(format: "%8.1f ms", seconds(duration) * 1000) }
}
