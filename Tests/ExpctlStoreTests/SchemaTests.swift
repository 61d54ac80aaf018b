import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
import PostgresTestSupport
import Testing

@Suite("The exp schema")
struct SchemaTests {
    @Test func migrationsAreIdempotent() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(try Migrator.migrate(connection) == Migration.all.map(\.version))
            #expect(try Migrator.migrate(connection) == [])
            // The day partitions of exp.events aside (EventsAtScaleTests).
            let tables = try connection.execute(
                """
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'exp' AND table_name !~ '^events_[0-9]{8}$' ORDER BY table_name
                """)
            #expect(
                tables.rows.map { $0[0] ?? "" } == [
                    "assignments", "event_experiments", "events", "events_default", "experiments", "gate_decisions", "jobs", "metric_aggregates",
                    "offline_replay_results",
                    "offline_replay_rows", "policies",
                    "policy_versions", "reconcile_runs", "schema_migrations", "unit_metrics", "unit_metrics_watermark",
                    "v_evaluation_timeline",
                    "v_experiment_metrics", "v_experiment_overview", "v_gate_history", "v_latency_cost",
                    "v_model_quality", "v_variant_comparison", "v_variant_daily", "v_variant_metrics", "variants",
                ])
        }
    }

    @Test func version4KeepsOldRowsAndGivesVariantsTheirOrder() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Migrator.migrate(connection, migrations: Array(Migration.all.prefix(3)))
            // Rows as expctl wrote them before version 4: a trained version with no model version yet.
            try connection.execute(
                """
                INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('p', 'c', 'x');
                """)
            try connection.execute(
                """
                INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, training_name, source_commit, source_path)
                SELECT id, 2, 'm', 't', 'c', 'x' FROM exp.policies
                """)
            try connection.execute(
                """
                INSERT INTO exp.experiments (name, unit_type, status, source_commit, source_path) VALUES ('e', 'user', 'draft', 'c', 'x')
                """)
            for (name, created) in [("b", "2025-01-01"), ("a", "2025-01-02")] {
                try connection.execute(
                    """
                    INSERT INTO exp.variants (experiment_id, name, allocation, config, source_commit, source_path, created_at)
                    SELECT id, $1, 0.5, '{}', 'c', 'x', $2::timestamptz FROM exp.experiments
                    """, [.text(name), .text(created)])
            }
            // Until it is migrated, a plan is told to migrate, and writes nothing to find out.
            let outdated = try #require(throws: StoreError.self) { try ExpStore(connection: connection).observeRows() }
            guard case .schemaOutdated(found: 3, known: Migration.all.count) = outdated else {
                Issue.record("\(outdated)")
                return
            }
            #expect(try Migrator.migrate(connection) == Array(4...Migration.all.count))
            let positions = try connection.execute("SELECT name, position FROM exp.variants ORDER BY position")
            #expect(positions.rows.indices.map { positions.string($0, "name") } == ["b", "a"])
            #expect(
                try ExpStore(connection: connection).actualState().policies["p"]?.versions[2]?.mlflowModelVersion == nil
            )
            // A new version must name its model version.
            let error = try #require(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, training_name, source_commit, source_path)
                    SELECT id, 3, 'm', 't', 'c', 'x' FROM exp.policies
                    """)
            }
            #expect(error.sqlState == "23514")
        }
    }

    @Test func aRowsVariantMustBelongToItsExperiment() throws {
        try withStore { store, _ in
            let connection = store.connection
            try connection.execute("INSERT INTO exp.policies (name, source_commit, source_path) VALUES ('p', 'c', 'x')")
            let ids = try connection.execute(
                """
                WITH e AS (INSERT INTO exp.experiments (name, unit_type, status, source_commit, source_path)
                           VALUES ('mine', 'user', 'draft', 'c', 'x') RETURNING id),
                     o AS (INSERT INTO exp.experiments (name, unit_type, status, source_commit, source_path)
                           VALUES ('other', 'user', 'draft', 'c', 'x') RETURNING id),
                     v AS (INSERT INTO exp.variants (experiment_id, name, allocation, position, source_commit, source_path)
                           SELECT id, 'control', 1, 0, 'c', 'x' FROM e RETURNING id)
                SELECT (SELECT id::text FROM o) AS other, (SELECT id::text FROM v) AS control
                """)
            let other = ids.string(0, "other") ?? ""
            let control = ids.string(0, "control") ?? ""
            for statement in [
                "INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket) VALUES ($1::uuid, 'u1', 'user', $2::uuid, 7)",
                "INSERT INTO exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, occurred_at) VALUES ('plan_generated', 'user', 'u1', $1::uuid, $2::uuid, now())",
                "INSERT INTO exp.metric_aggregates (experiment_id, variant_id, metric_name, bucket_start, bucket_width, count, sum, mean, variance) VALUES ($1::uuid, $2::uuid, 'm', now(), '1 hour', 1, 1, 1, 0)",
            ] {
                let error = try #require(throws: PostgresError.self) {
                    try connection.execute(statement, [.text(other), .text(control)])
                }
                #expect(error.sqlState == "23503", "\(error)")
            }
            let orphan = try #require(throws: PostgresError.self) {
                try connection.execute(
                    "INSERT INTO exp.events (event_type, unit_type, unit_id, variant_id, occurred_at) VALUES ('x', 'user', 'u1', $1::uuid, now())",
                    [.text(control)])
            }
            #expect(orphan.sqlState == "23514")
        }
    }

    @Test func aNewerSchemaIsRefused() throws {
        try withStore { store, _ in
            try store.connection.execute(
                "INSERT INTO exp.schema_migrations (version, name) VALUES (99, 'from the future')")
            let error = try #require(throws: StoreError.self) { try store.migrate() }
            guard case .schemaTooNew(let found, let known) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(found == 99)
            #expect(known == Migration.all.last?.version)
        }
    }

    @Test func version5LetsTheLedgerHoldDatasetBuildsThatRecordTheirDigest() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Migrator.migrate(connection)
            func insert(_ kind: String, state: String, result: String?) throws {
                try connection.execute(
                    """
                    INSERT INTO exp.jobs (kind, name, inputs_digest, inputs, state, result, finished_at, source_commit,
                                          source_path)
                    VALUES ($1, 'planner/2025-01-10', repeat('a', 64), '{}', $2, $3::jsonb,
                            CASE WHEN $2 = 'succeeded' THEN now() END, 'c', 'datasets.yaml')
                    """, [.text(kind), .text(state), result.map(PostgresValue.json) ?? .null])
            }
            try insert("dataset", state: "pending", result: nil)
            try connection.execute("DELETE FROM exp.jobs")
            let digest = String(repeating: "b", count: 64)
            try insert("dataset", state: "succeeded", result: #"{"content_digest": "\#(digest)", "rows": 3}"#)
            #expect(throws: PostgresError.self) {
                try connection.execute("DELETE FROM exp.jobs")
                try insert("dataset", state: "succeeded", result: #"{"rows": 3}"#)
            }
            #expect(throws: PostgresError.self) { try insert("notebook", state: "pending", result: nil) }
            try connection.execute("DELETE FROM exp.jobs")
            #expect(throws: PostgresError.self) {
                try insert("training", state: "succeeded", result: #"{"run_id": "r"}"#)
            }
        }
    }

    @Test func version7KeepsGateDecisionsAppendOnlyAndChecksTheSalt() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Migrator.migrate(connection)
            try connection.execute(
                """
                INSERT INTO exp.gate_decisions (subject, gate, verdict, profile, evidence, evidence_digest, commit_sha)
                VALUES ('planner_model/2', 'offline', 'pass', 'default', '{}', repeat('c', 64), 'abc')
                """)
            for statement in ["UPDATE exp.gate_decisions SET verdict = 'fail'", "DELETE FROM exp.gate_decisions"] {
                do {
                    try connection.execute(statement)
                    Issue.record("\(statement) was allowed")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "55000", "\(error)")
                }
            }
            #expect(try connection.execute("SELECT count(*) AS n FROM exp.gate_decisions").int(0, "n") == 1)
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO exp.gate_decisions (subject, gate, verdict, profile, evidence, evidence_digest, commit_sha)
                    VALUES ('s', 'offline', 'maybe', 'default', '{}', repeat('c', 64), 'abc')
                    """)
            }
            #expect(throws: PostgresError.self) {
                try connection.execute(
                    """
                    INSERT INTO exp.experiments (name, unit_type, status, assignment_salt, source_commit, source_path)
                    VALUES ('e', 'user', 'draft', '', 'c', 'e.yaml')
                    """)
            }
        }
    }
}
