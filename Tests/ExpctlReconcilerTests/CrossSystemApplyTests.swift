import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStore
import PlanningTestSupport
import PostgresTestSupport
import Testing

/// The example with version 1 promoted to production, and MLflow holding version 1.
private let promotedTree = exampleTree + """

    promotions:
      - { model: planner_model, version: 1, stage: production }
    """

/// Version 1 has been in production before (its tag says so), so putting it back needs no
/// gate: the lifecycle calls it a rollback.
private func registryWithVersionOne() -> MemoryRegistry {
    let one = ModelVersionState(version: "1", tags: [RegistryTags.wasProduction: "true"])
    return MemoryRegistry(RegistryState(models: ["planner_model": RegisteredModelState(name: "planner_model", versions: ["1": one])]))
}

/// A plan of `promotedTree` against what `store` holds and what `registry` holds.
private func prepare(_ store: ExpStore, _ registry: MemoryRegistry) throws -> (plan: Plan, observed: ObservedState) {
    let rows = try store.observeRows()
    let observed = ObservedState(database: rows.database, jobs: rows.jobs, registry: .read(try registry.currentState()), registryModels: ["planner_model"])
    return (makePlan(desired(promotedTree), observed), observed)
}

@Suite("Applying across the job ledger, MLflow and PostgreSQL")
struct CrossSystemApplyTests {
    @Test func theLedgerGoesFirstThenMLflowThenTheDatabase() throws {
        try withStore { store, _ in
            let registry = registryWithVersionOne()
            let (plan, observed) = try prepare(store, registry)
            let hook = RecordingHook()
            try CrossSystemApply(store: store, hook: hook).apply(plan, ref: nil, expected: .observed(observed), registry: registry)
            #expect(hook.events == [
                "start apply_job_ledger", "job_ledger: create job.training/planner-2025-01-10",
                "start apply_registry", "registry: update model_version.planner_model/1", "registry: create model_alias.planner_model@production",
                "start apply_database",
                "database: create policy.planner_policy, create policy_version.planner_policy@1, create experiment.planner_policy_exp, create experiment.planner_policy_exp/variant.control",
            ])
            let run = try store.connection.execute("SELECT outcome, completed_actions::text AS done FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "applied")
            #expect(run.string(0, "done")?.hasPrefix(#"["create job.training/planner-2025-01-10", "update model_version.planner_model/1""#) == true)
        }
    }

    @Test(arguments: [true, false])
    func aPlanIsStaleWhenAnyPartChanged(saved: Bool) throws {
        try withStore { store, database in
            let registry = registryWithVersionOne()
            try store.converge(desired(promotedTree))
            let (plan, observed) = try prepare(store, registry)
            // A saved plan is checked by its digests, a pass's by the values it observed.
            func expected(_ observed: ObservedState) -> ExpectedState { saved ? .digests(observed.digests) : .observed(observed) }
            func refused(_ expectedParts: [ObservedPart], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
                let error = try #require(throws: ApplyError.self, sourceLocation: sourceLocation) {
                    try CrossSystemApply(store: store).apply(plan, ref: nil, expected: expected(observed), registry: registry)
                }
                guard case .stale(let parts, .beforeStart) = error else {
                    Issue.record("\(error)", sourceLocation: sourceLocation)
                    return
                }
                #expect(parts == expectedParts, sourceLocation: sourceLocation)
            }
            let runs = try database.count("exp.reconcile_runs")

            // A job finishing: the job ledger changed.
            try store.finishJobs()
            try refused([.jobs])
            // The database changed by hand too.
            try database.connect().execute("UPDATE exp.experiments SET description = 'by hand'")
            try refused([.database, .jobs])
            // MLflow alone changed.
            let (fresh, freshObserved) = try prepare(store, registry)
            registry.state.models["planner_model"]!.versions["1"]!.tags["stage"] = "archived"
            let error = try #require(throws: ApplyError.self) {
                try CrossSystemApply(store: store).apply(fresh, ref: nil, expected: expected(freshObserved), registry: registry)
            }
            guard case .stale([.registry], .beforeStart) = error else {
                Issue.record("\(error)")
                return
            }
            #expect("\(error)" == "the plan is stale: the MLflow model registry changed since it was made; nothing was applied: run expctl plan again")
            // A stale plan never starts: no run was recorded, nothing was written to MLflow.
            #expect(try database.count("exp.reconcile_runs") == runs)
            #expect(registry.applied.isEmpty)
        }
    }

    @Test func aChangeDuringTheApplyIsFoundInsideTheDatabaseTransaction() throws {
        try withStore { store, database in
            let registry = registryWithVersionOne()
            let (plan, observed) = try prepare(store, registry)
            // MLflow's step runs after the checks before the start: change the database then.
            let other = try database.connect()
            registry.duringApply = {
                if registry.applied.isEmpty { try other.execute("INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('by_hand', 'x', 'y')") }
            }
            let error = try #require(throws: ApplyError.self) {
                try CrossSystemApply(store: store).apply(plan, ref: nil, expected: .observed(observed), registry: registry)
            }
            guard case .stale([.database], .insideTransaction(registryChanges: 2, ledgerChanges: 1)) = error else {
                Issue.record("\(error)")
                return
            }
            #expect("\(error)".contains("the database was not changed, but 2 MLflow registry changes and 1 job ledger change were made before it"))
            #expect(try store.actualState().policies.keys.sorted() == ["by_hand"])
            let run = try store.connection.execute("SELECT outcome, jsonb_array_length(completed_actions) AS done FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "failed")
            #expect(run.int(0, "done") == 3)
            // The next plan completes it.
            let (next, nextObserved) = try prepare(store, registry)
            #expect(next.summary.allSatisfy { !$0.hasPrefix("create job") })
            try CrossSystemApply(store: store).apply(next, ref: nil, expected: .digests(nextObserved.digests), registry: registry)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func aFailedRegistryCallLeavesTheDatabaseAsItWasAndTheLedgerRecorded() throws {
        try withStore { store, database in
            let registry = registryWithVersionOne()
            registry.failure = ServerDown()
            let (plan, observed) = try prepare(store, registry)
            let error = try #require(throws: ApplyError.self) {
                try CrossSystemApply(store: store).apply(plan, ref: nil, expected: .observed(observed), registry: registry)
            }
            guard case .registryActionFailed(let action, let cause, 0, 1) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(action == "update model_version.planner_model/1")
            #expect(cause is ServerDown)
            #expect(try database.count("exp.policies") == 0)
            #expect(try store.jobs.read().jobs.count == 1)
        }
    }

    @Test func aPlanThatNeedsTheRegistryIsRefusedWithoutOne() throws {
        try withStore { store, _ in
            let registry = registryWithVersionOne()
            let (plan, observed) = try prepare(store, registry)
            let error = try #require(throws: ApplyError.self) {
                try CrossSystemApply(store: store).apply(plan, ref: nil, expected: .observed(observed), registry: nil)
            }
            guard case .registryRequired(actions: 2) = error else {
                Issue.record("\(error)")
                return
            }
        }
    }
}
