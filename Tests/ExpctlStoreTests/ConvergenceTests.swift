import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
import PlanningTestSupport
import PostgresTestSupport
import Testing

@Suite("Convergence, batches and the write lock")
struct ConvergenceTests {
    @Test func aFailingBatchIsReplayedToNameTheAction() throws {
        try withStore { store, database in
            try store.converge(desired())
            let experiments = (1...3).map { "e\($0)" }
            var actions = experiments.map { name in
                PlannedAction(kind: .create, address: .experiment(name), changes: [
                    FieldChange(field: "unit_type", before: nil, after: .string("user")),
                    FieldChange(field: "status", before: nil, after: .string("draft")),
                ], reason: "test")
            }
            for (index, name) in experiments.enumerated() {
                actions.append(PlannedAction(kind: .create, address: .variant(experiment: name, name: "v"), changes: [
                    FieldChange(field: "allocation", before: nil, after: .double(0.5)),
                    FieldChange(field: "policy_version", before: nil, after: .string(index == 1 ? "planner_policy@9" : "planner_policy@1")),
                    FieldChange(field: "params", before: nil, after: .object([:])),
                ], reason: "test"))
            }
            let error = try #require(throws: StoreError.self) { try store.apply(Plan(commit: "c2", actions: actions), ref: nil) }
            #expect("\(error)".hasPrefix("create experiment.e2/variant.v failed: it matched 0 rows"))
            #expect(try database.count("exp.experiments") == 1)
            #expect(try database.count("exp.variants") == 2)
        }
    }

    @Test func allocationChangesAreBatchedAndConverge() throws {
        try withStore { store, database in
            try store.converge(desired())
            let moved = desired(exampleTree
                .replacingOccurrences(of: "allocation: 0.9,", with: "allocation: 0.75,")
                .replacingOccurrences(of: "allocation: 0.1,", with: "allocation: 0.25,"))
            let plan = try store.plan(moved)
            #expect(plan.actions.map(\.changes).allSatisfy { $0.map(\.field) == ["allocation"] })
            #expect(plan.actions.count == 2)
            try store.apply(plan, ref: nil)
            #expect(try store.plan(moved).actions.isEmpty)
            let rows = try database.connect().execute("""
                SELECT name, allocation::text AS allocation, config->>'policy_version_id' = policy_version_id::text AS linked
                FROM exp.variants ORDER BY name
                """)
            #expect(rows.rows.indices.map { rows.string($0, "allocation") } == ["0.7500", "0.2500"])
            #expect(rows.rows.indices.allSatisfy { rows.bool($0, "linked") == true })

            // A batch with a variant that does not exist is replayed to name it; nothing is applied.
            let missing = PlannedAction(
                kind: .update, address: .variant(experiment: "planner_policy_exp", name: "ghost"),
                changes: [FieldChange(field: "allocation", before: .double(0.1), after: .double(0.2))], reason: "test")
            let error = try #require(throws: StoreError.self) {
                try store.apply(Plan(commit: "c3", actions: try store.plan(desired()).actions + [missing]), ref: nil)
            }
            #expect("\(error)".hasPrefix("update experiment.planner_policy_exp/variant.ghost failed: it matched 0 rows"))
            #expect(try store.plan(moved).actions.isEmpty)
        }
    }

    @Test func largeNumbersAndBacktickedTextConverge() throws {
        try withStore { store, _ in
            let state = desired(exampleTree.replacingOccurrences(
                of: "params: { exploration_rate: 0.15 }", with: "params: { big: 1.0e17, huge: 1e300, note: \"```\" }"))
            try store.converge(state)
            #expect(try store.plan(state).actions.isEmpty)
        }
    }

    @Test func aHandEditedConfigIsDriftThatApplyRepairs() throws {
        try withStore { store, _ in
            try store.converge(desired())
            try store.connection.execute("UPDATE exp.variants SET config = jsonb_set(config, '{policy_version_id}', '\"0\"') WHERE name = 'control'")
            let plan = try store.plan(desired())
            #expect(plan.summary == ["update experiment.planner_policy_exp/variant.control"])
            #expect(plan.actions.first?.changes.map(\.field) == ["policy_version"])
            try store.apply(plan, ref: nil)
            #expect(try store.plan(desired()).actions.isEmpty)
        }
    }

    @Test func anApplyWhileAnotherHoldsTheLockIsRefused() throws {
        try withStore { store, database in
            let other = try database.connect()
            try other.execute("SELECT pg_advisory_lock($1)", [.integer(ReconcilerLock.key)])
            let plan = try store.plan(desired())
            let error = try #require(throws: StoreError.self) { try store.apply(plan, ref: nil) }
            #expect("\(error)".hasPrefix("another expctl is applying to this database (the lock is held by pid "))
            #expect(try database.count("exp.experiments") == 0)
            try other.execute("SELECT pg_advisory_unlock_all()")
            try store.apply(plan, ref: nil)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func aStaleExpectedDigestIsRefusedInsideTheTransaction() throws {
        try withStore { store, database in
            let before = store.digest(of: try store.actualState())
            let plan = try store.plan(desired())
            try database.connect().execute(
                "INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('by_hand', 'x', 'y')")
            #expect(throws: StoreError.self) { try store.apply(plan, ref: nil, expectedDigest: before) }
            #expect(try database.count("exp.experiments") == 0)
        }
    }
}
