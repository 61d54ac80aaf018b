import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStore
import PlanningTestSupport
import PostgresTestSupport
import Testing

/// `count` experiments of `variants` variants each, all on policy version 1.
private func wideTree(_ count: Int, variants: Int = 3, allocation: (Int) -> String = { _ in "" }) -> String {
    var text = """
        policies:
          - name: planner_policy
            versions:
              - { version: 1, mlflow_model_name: planner_model, mlflow_model_version: 1 }
        experiments:

        """
    for index in 0..<count {
        text += "  - name: e\(index)\n    unit_type: user\n    variants:\n"
        for variant in 0..<variants {
            let share = allocation(variant).isEmpty ? (variant == 0 ? "0.4" : "0.3") : allocation(variant)
            text += "      - { name: v\(variant), allocation: \(share), policy_version: planner_policy@1 }\n"
        }
    }
    return text
}

/// Runs `body` with every statement `store` sends recorded.
private func statements(of store: ExpStore, _ body: () throws -> Void) rethrows -> [String] {
    var sent: [String] = []
    store.connection.statementObserver = { sent.append($0) }
    defer { store.connection.statementObserver = nil }
    try body()
    return sent
}

@Suite("Convergence, batches and the write lock")
struct ConvergenceTests {
    @Test func createsAreBatched() throws {
        try withStore { store, database in
            let state = desired(wideTree(30))
            let sent = try statements(of: store) { try store.converge(state) }
            let variantInserts = sent.filter { $0.contains("INSERT INTO exp.variants") }
            let experimentInserts = sent.filter { $0.contains("INSERT INTO exp.experiments") }
            // 90 variants and 30 experiments, one statement each kind.
            #expect(variantInserts.count == 1)
            #expect(variantInserts.first?.contains("unnest") == true)
            #expect(experimentInserts.count == 1)
            #expect(try database.count("exp.variants") == 90)
            #expect(try store.plan(state).actions.isEmpty)
        }
    }

    @Test func aFailingBatchIsReplayedToNameTheAction() throws {
        try withStore { store, database in
            try store.converge(desired(wideTree(1)))
            let experiments = (1...3).map { "e\($0 + 10)" }
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
                    FieldChange(field: "position", before: nil, after: .integer(0)),
                ], reason: "test"))
            }
            var error: ApplyError?
            let sent = statements(of: store) {
                do { try store.apply(Plan(commit: "c2", actions: actions)) } catch let failure as ApplyError { error = failure } catch {}
            }
            guard case .databaseFailed(let action, _, _, _)? = error else {
                Issue.record("\(String(describing: error))")
                return
            }
            #expect(action == "create experiment.e12/variant.v")
            // The batch was tried first, rolled back to its savepoint, then replayed one by one.
            let variantStatements = sent.filter { $0.contains("exp.variants") && $0.hasPrefix("INSERT") }
            #expect(variantStatements.first?.contains("unnest") == true)
            #expect(variantStatements.dropFirst().allSatisfy { !$0.contains("unnest") })
            #expect(variantStatements.count == 3)
            #expect(sent.contains("ROLLBACK TO SAVEPOINT expctl_batch"))
            #expect(try database.count("exp.experiments") == 1)
            #expect(try database.count("exp.variants") == 3)
        }
    }

    @Test func allocationChangesAreOneStatementAndConverge() throws {
        try withStore { store, database in
            try store.converge(desired(wideTree(20)))
            let moved = desired(wideTree(20) { ["0.5", "0.25", "0.25"][$0] })
            let plan = try store.plan(moved)
            #expect(plan.actions.count == 60)
            #expect(plan.actions.allSatisfy { $0.changes.map(\.field) == ["allocation"] })
            let sent = try statements(of: store) { try store.apply(plan) }
            let updates = sent.filter { $0.hasPrefix("UPDATE exp.variants") }
            #expect(updates.count == 1)
            #expect(updates.first?.contains("unnest") == true)
            #expect(try store.plan(moved).actions.isEmpty)
            let rows = try database.connect().execute("""
                SELECT count(*) FILTER (WHERE allocation = 0.5) AS half,
                       bool_and(config->>'policy_version_id' = policy_version_id::text) AS linked
                FROM exp.variants
                """)
            #expect(rows.int(0, "half") == 20)
            #expect(rows.bool(0, "linked") == true)
        }
    }

    @Test func largeNumbersAndBacktickedTextConverge() throws {
        try withStore { store, _ in
            let state = desired(exampleTree.replacingOccurrences(
                of: "params: { exploration_rate: 0.15 }", with: "params: { big: 1.0e17, huge: 1e300, note: \"```\" }"))
            try store.convergeAll(state)
            #expect(try store.plan(state).actions.isEmpty)
        }
    }

    @Test func aHandEditedConfigIsDriftThatApplyRepairs() throws {
        try withStore { store, _ in
            try store.convergeAll(desired())
            try store.connection.execute("UPDATE exp.variants SET config = jsonb_set(config, '{policy_version_id}', '\"0\"') WHERE name = 'control'")
            let plan = try store.plan(desired())
            #expect(plan.summary == ["update experiment.planner_policy_exp/variant.control"])
            #expect(plan.actions.first?.changes.map(\.field) == ["policy_version"])
            try store.apply(plan)
            #expect(try store.plan(desired()).actions.isEmpty)
        }
    }

    @Test func anApplyWhileAnotherHoldsTheLockIsRefused() throws {
        try withStore { store, database in
            let other = try database.connect()
            let otherPID = try #require(other.execute("SELECT pg_backend_pid() AS pid").int(0, "pid"))
            try other.execute("SELECT pg_advisory_lock($1)", [.integer(ReconcilerLock.key)])
            let plan = try store.plan(desired())
            let error = try #require(throws: ApplyError.self) { try store.apply(plan) }
            guard case .locked(let holder?) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(holder.hasPrefix("pid \(otherPID) (expctl) from"))
            #expect(try database.count("exp.experiments") == 0)
            try other.execute("SELECT pg_advisory_unlock_all()")
            try store.apply(plan)
            #expect(try database.count("exp.experiments") == 1)
        }
    }
}
