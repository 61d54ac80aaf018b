import ExpctlModel
import ExpctlPostgres
import ExpctlServing
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// A migrated database with running experiments, and the two services over its snapshot. Its
/// connection is used by the test's own task only, one statement at a time.
final class ServingFixture: @unchecked Sendable {
    let database: TestDatabase
    let connection: PostgresConnection
    let snapshots = SnapshotHolder()
    let assignments: AssignmentService
    let events: EventIngestion

    init(_ database: TestDatabase, experiments: [RunningExperiment] = [RunningExperiment()]) throws {
        self.database = database
        connection = try database.connect()
        try ExpStore(connection: connection).migrate()
        for experiment in experiments { try experiment.insert(connection) }
        assignments = AssignmentService(snapshots: snapshots, database: database.settings())
        events = EventIngestion(snapshots: snapshots, database: database.settings())
        try reload()
    }

    func reload() throws { snapshots.replace(with: try ServingSnapshot.read(connection)) }

    func shutdown() {
        assignments.shutdown()
        events.shutdown()
    }

    /// The assignments answered for a unit, as (experiment name, variant name).
    func assign(_ unit: String, unitType: String = "user", requested: [String]? = nil) async throws -> [String: String] {
        var body: [String: Any] = ["unit_type": unitType, "unit_id": unit]
        if let requested { body["requested_experiments"] = requested }
        let answer = try await assignments.assign(body: Array(try JSONSerialization.data(withJSONObject: body)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any])
        let list = try #require(object["assignments"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["experiment_name"] as! String, $0["variant_name"] as! String) })
    }

    func ids(_ experiment: String) throws -> (experiment: String, variants: [String: String], policyVersion: String) {
        let snapshot = try #require(snapshots.snapshot)
        let found = try #require(snapshot.experiment(experiment))
        let rows = try connection.execute(
            "SELECT policy_version_id::text AS p FROM exp.variants WHERE experiment_id = $1 ORDER BY position",
            [.text(found.id)])
        return (found.id, Dictionary(uniqueKeysWithValues: found.variants.map { ($0.name, $0.id) }), rows.string(0, "p")!)
    }

    func count(_ table: String) throws -> Int64 { try connection.execute("SELECT count(*) AS n FROM \(table)").int(0, "n")! }
}

@Suite("The assignment service")
struct AssignmentServiceTests {
    @Test func aUnitGetsTheSharedHashsVariantAndKeepsItWhenAllocationsChange() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database)
            defer { fixture.shutdown() }
            let experiment = try #require(fixture.snapshots.snapshot?.experiment("planner_policy_exp"))
            var before: [String: String] = [:]
            for unit in (1...40).map({ "unit-\($0)" }) {
                let expected = try #require(experiment.newAssignment(forUnit: unit).index).self
                before[unit] = try await fixture.assign(unit)["planner_policy_exp"]
                #expect(before[unit] == experiment.variants[expected].name, "\(unit)")
            }
            #expect(try fixture.count("exp.assignments") == 40)
            // All new traffic to the candidate: the units seen before keep their variant.
            try fixture.connection.execute(
                "UPDATE exp.variants SET allocation = CASE name WHEN 'control' THEN 0 ELSE 1 END")
            try fixture.reload()
            for (unit, variant) in before { #expect(try await fixture.assign(unit)["planner_policy_exp"] == variant) }
            #expect(try await fixture.assign("unit-new")["planner_policy_exp"] == "candidate")
        }
    }

    @Test func concurrentFirstRequestsForAUnitGetOneAnswer() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database)
            defer { fixture.shutdown() }
            let units = (1...25).map { "race-\($0)" }
            let answers = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for _ in 0..<8 {
                    for unit in units {
                        group.addTask { (unit, try await fixture.assign(unit)["planner_policy_exp"]) }
                    }
                }
                var answers: [String: Set<String?>] = [:]
                for try await (unit, variant) in group { answers[unit, default: []].insert(variant) }
                return answers
            }
            for unit in units { #expect(answers[unit]?.count == 1, "\(unit): \(answers[unit] ?? [])") }
            #expect(try fixture.count("exp.assignments") == Int64(units.count))
        }
    }

    @Test func onlyRunningExperimentsOfTheUnitsTypeAssign() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(
                database,
                experiments: [
                    RunningExperiment("users_exp", variants: [("control", "1.0")]),
                    RunningExperiment("households_exp", variants: [("control", "1.0")], unitType: "household"),
                    RunningExperiment("paused_exp", variants: [("control", "1.0")]),
                ])
            defer { fixture.shutdown() }
            try fixture.connection.execute("UPDATE exp.experiments SET status = 'paused' WHERE name = 'paused_exp'")
            try fixture.reload()
            #expect(try await fixture.assign("u-1") == ["users_exp": "control"])
            #expect(try await fixture.assign("h-1", unitType: "household") == ["households_exp": "control"])
            #expect(try await fixture.assign("u-1", requested: ["households_exp", "nope"]) == [:])
            await #expect(throws: RequestError("unit_type", "must be one of household, user")) {
                _ = try await fixture.assign("u-1", unitType: "robot")
            }
        }
    }

    @Test func libpqRunsOnlyOnTheWorkerThreadsAndAFullQueueFailsFast() async throws {
        try await TestDatabase.withAsync { database in
            let threads = LockedNames()
            let workers = ConnectionWorkers<Int, Int>(
                settings: database.settings(), threads: 1, maxBatch: 1, maxPending: 1, name: "probe"
            ) { items, connection in
                threads.add(Thread.current.name)
                Thread.sleep(forTimeInterval: 0.2)
                return try items.map { _ in .success(Int(try connection.execute("SELECT 1 AS one").int(0, "one")!)) }
            }
            defer { workers.shutdown() }
            let results = await withTaskGroup(of: Result<Int, ServingError>.self) { group in
                for item in 0..<4 {
                    group.addTask {
                        do { return .success(try await workers.submit(item)) } catch let error as ServingError {
                            return .failure(error)
                        } catch { return .failure(.stopped) }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.contains { if case .failure(.overloaded) = $0 { true } else { false } })
            #expect(results.contains { if case .success(1) = $0 { true } else { false } })
            #expect(threads.names == ["expctl-probe-0"])
        }
    }
}

final class LockedNames: @unchecked Sendable {
    private var stored: Set<String> = []
    private let lock = NSLock()
    func add(_ name: String?) { lock.withLock { _ = stored.insert(name ?? "?") } }
    var names: Set<String> { lock.withLock { stored } }
}
