import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
import PostgresTestSupport
import PlanningTestSupport
import Testing

@Suite("Applying plans to PostgreSQL")
struct ApplyTests {
    @Test func migrationsAreIdempotent() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(try Migrator.migrate(connection) == [1, 2, 3])
            #expect(try Migrator.migrate(connection) == [])
            let tables = try connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'exp' ORDER BY table_name")
            #expect(tables.rows.map { $0[0] ?? "" } == [
                "assignments", "events", "experiments", "metric_aggregates", "offline_replay_results", "policies",
                "policy_versions", "reconcile_runs", "schema_migrations", "v_experiment_metrics", "variants",
            ])
        }
    }

    @Test func aRowsVariantMustBelongToItsExperiment() throws {
        try withStore { store, _ in
            try store.converge(desired())
            let other = try store.connection.execute(
                "INSERT INTO exp.experiments (name, unit_type, status, source_commit, source_path) VALUES ('other', 'user', 'draft', 'c', 'x') RETURNING id::text AS id"
            ).string(0, "id") ?? ""
            let control = try store.connection.execute("SELECT id::text AS id FROM exp.variants WHERE name = 'control'").string(0, "id") ?? ""
            for statement in [
                "INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket) VALUES ($1::uuid, 'u1', 'user', $2::uuid, 7)",
                "INSERT INTO exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, occurred_at) VALUES ('plan_generated', 'user', 'u1', $1::uuid, $2::uuid, now())",
                "INSERT INTO exp.metric_aggregates (experiment_id, variant_id, metric_name, bucket_start, bucket_width, count, sum, mean, variance) VALUES ($1::uuid, $2::uuid, 'm', now(), '1 hour', 1, 1, 1, 0)",
            ] {
                let error = try #require(throws: PostgresError.self) { try store.connection.execute(statement, [.text(other), .text(control)]) }
                #expect(error.sqlState == "23503", "\(error)")
            }
            let orphan = try #require(throws: PostgresError.self) {
                try store.connection.execute(
                    "INSERT INTO exp.events (event_type, unit_type, unit_id, variant_id, occurred_at) VALUES ('x', 'user', 'u1', $1::uuid, now())",
                    [.text(control)])
            }
            #expect(orphan.sqlState == "23514")
        }
    }

    @Test func fromEmptyThenNoChanges() throws {
        try withStore { store, database in
            let plan = try store.converge(desired(), commit: "c1")
            #expect(plan.actions.count == 6)
            #expect(try store.plan(desired()).actions.isEmpty)
            let variant = try store.connection.execute("""
                SELECT v.allocation::text AS allocation, v.config->>'policy_version_id' = pv.id::text AS linked,
                       v.config->'params' AS params, v.source_commit, v.source_path
                FROM exp.variants v JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
                WHERE v.name = 'control'
                """)
            #expect(variant.string(0, "allocation") == "0.9000")
            #expect(variant.bool(0, "linked") == true)
            #expect(variant.string(0, "params") == #"{"exploration_rate": 0.15}"#)
            #expect(variant.string(0, "source_commit") == "c1")
            #expect(variant.string(0, "source_path") == "desired.yaml")
            let run = try store.connection.execute("SELECT outcome, commit_sha, length(plan_digest) AS digest, jsonb_array_length(actions) AS actions FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "applied")
            #expect(run.int(0, "digest") == 64)
            #expect(run.int(0, "actions") == 6)
            #expect(try database.count("exp.policy_versions") == 2)
        }
    }

    @Test func everyKindOfChangeConverges() throws {
        try withStore { store, _ in
            try store.converge(desired())
            let changed = desired(exampleTree
                .replacingOccurrences(of: "status: running", with: "status: paused")
                .replacingOccurrences(of: "Weekly meal planner", with: "Weekly planner")
                .replacingOccurrences(of: "allocation: 0.9, policy_version: planner_policy@1, params: { exploration_rate: 0.15 }",
                    with: "allocation: 0.85, policy_version: planner_policy@2, params: { exploration_rate: 0.3 }")
                .replacingOccurrences(of: "      - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }\n",
                    with: "      - { name: pantry_first, allocation: 0.1, policy_version: planner_policy@1 }\n"))
            let plan = try store.converge(changed, commit: "c2")
            #expect(plan.summary == [
                "update policy.planner_policy", "update experiment.planner_policy_exp",
                "update experiment.planner_policy_exp/variant.control",
                "retire experiment.planner_policy_exp/variant.leftovers_v2",
                "create experiment.planner_policy_exp/variant.pantry_first",
            ])
            #expect(try store.plan(changed).actions.isEmpty)
            let actual = try store.actualState()
            let experiment = try #require(actual.experiments["planner_policy_exp"])
            #expect(experiment.status == .paused)
            #expect(experiment.variants["control"]?.policyVersion == PolicyVersionRef(policy: "planner_policy", version: 2))
            #expect(experiment.variants["leftovers_v2"]?.retiredAt != nil)
            #expect(experiment.variants["leftovers_v2"]?.allocation == Allocation(buckets: 0))
            // Back in git: restored.
            try store.converge(desired(), commit: "c3")
            #expect(try store.actualState().experiments["planner_policy_exp"]?.variants["leftovers_v2"]?.retiredAt == nil)
        }
    }

    @Test func retirementKeepsAssignmentsAndArchivesExperiments() throws {
        try withStore { store, database in
            try store.converge(desired())
            try store.connection.execute("""
                INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
                SELECT experiment_id, 'user-123', 'user', id, 42 FROM exp.variants WHERE name = 'leftovers_v2'
                """)
            var gone = desired()
            gone.experiments = []
            let plan = try store.converge(gone, commit: "c2")
            #expect(plan.summary == ["retire experiment.planner_policy_exp"])
            #expect(try database.count("exp.assignments") == 1)
            #expect(try database.count("exp.variants") == 2)
            let experiment = try #require(try store.actualState().experiments["planner_policy_exp"])
            #expect(experiment.status == .completed)
            #expect(experiment.archivedAt != nil)
            #expect(try store.plan(gone).actions.isEmpty)
        }
    }

    @Test func aFailureInTheMiddleLeavesNothingBehind() throws {
        try withStore { store, database in
            // The second action points at a policy version that exists nowhere.
            let plan = Plan(commit: "c1", actions: [
                PlannedAction(kind: .create, address: .experiment("e"), changes: [
                    FieldChange(field: "unit_type", before: nil, after: .string("user")),
                    FieldChange(field: "status", before: nil, after: .string("draft")),
                ], reason: "test"),
                PlannedAction(kind: .create, address: .variant(experiment: "e", name: "v"), changes: [
                    FieldChange(field: "allocation", before: nil, after: .double(0.5)),
                    FieldChange(field: "policy_version", before: nil, after: .string("missing@9")),
                    FieldChange(field: "params", before: nil, after: .object([:])),
                ], reason: "test"),
            ])
            let error = try #require(throws: StoreError.self) { try store.apply(plan, ref: nil) }
            #expect("\(error)".hasPrefix("create experiment.e/variant.v failed: it matched 0 rows"))
            #expect(try database.count("exp.experiments") == 0)
            let run = try store.connection.execute("SELECT outcome, error FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "failed")
            #expect(run.string(0, "error")?.contains("create experiment.e/variant.v") == true)
        }
    }

    @Test func textIsStoredVerbatim() throws {
        try withStore { store, _ in
            let hostile = "Robert'); DROP TABLE exp.experiments;-- \\\\ \\\"quoted\\\" 🍲 planificateur"
            let text = exampleTree
                .replacingOccurrences(of: "description: Leftover-aware planner against control", with: "description: \"\(hostile)\"")
                .replacingOccurrences(of: "params: { exploration_rate: 0.15 }", with: "params: { note: \"a;b'c\\\"d 🍲\", nested: { list: [1, 2.5, true, null] } }")
            let state = desired(text)
            try store.converge(state)
            #expect(try store.plan(state).actions.isEmpty)
            let actual = try store.actualState()
            #expect(actual.experiments["planner_policy_exp"]?.description == state.experiments[0].description)
            #expect(actual.experiments["planner_policy_exp"]?.variants["control"]?.params == state.experiments[0].variants[0].params)
        }
    }

    @Test func illegalStatusMovesAreRefusedAgainstTheStoredStatus() throws {
        try withStore { store, _ in
            try store.converge(desired(exampleTree.replacingOccurrences(of: "status: running", with: "status: completed")))
            let reopened = try store.plan(desired())
            #expect(reopened.problems.map(\.message) == ["experiment planner_policy_exp cannot move from completed to running"])
            #expect(throws: StoreError.self) { try store.apply(reopened, ref: nil) }
            #expect(try store.actualState().experiments["planner_policy_exp"]?.status == .completed)
        }
    }

    @Test func aPlanWithProblemsIsRefused() throws {
        try withStore { store, database in
            try store.converge(desired())
            let edited = desired(exampleTree.replacingOccurrences(of: "mlflow_model_version: 1,", with: "mlflow_model_version: 2,"))
            let plan = try store.plan(edited)
            #expect(!plan.isApplicable)
            #expect(throws: StoreError.self) { try store.apply(plan, ref: nil) }
            #expect(try database.count("exp.reconcile_runs") == 1)
        }
    }
}
