import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStore
import PlanningTestSupport
import PostgresTestSupport
import Testing

@Suite("Applying plans to PostgreSQL")
struct ApplyTests {
    @Test func fromEmptyTheTrainedVersionWaitsThenAppearsOnceItsJobRegistered() throws {
        try withStore { store, database in
            let first = try store.converge(desired(), commit: "c1")
            #expect(first.actions.count == 7)
            #expect(first.readyActions.count == 5)
            #expect(try store.versionsWithoutModel() == 0)
            #expect(try database.count("exp.policy_versions") == 1)
            #expect(try database.count("exp.variants") == 1)
            let job = try #require(try store.jobs.read().jobs.first)
            #expect(job.state == .pending)
            #expect(job.key.inputsDigest == desired().trainings[0].inputsDigest)
            // Nothing to do until the job has run: what waits stays waiting.
            let again = try store.plan(desired())
            #expect(!again.hasReadyChanges)
            #expect(again.waitingActions.count == 2)

            // The training registered version 2: its offline replay is the next job, and the
            // version and its variant wait on the offline gate.
            try store.finishJobs(version: "2")
            let evaluation = try store.converge(desired(), commit: "c2")
            #expect(evaluation.readyActions.map(\.id) == ["create job.evaluation/planner-2025-01-10"])
            #expect(evaluation.waitingActions.count == 2)
            #expect(try database.count("exp.policy_versions") == 1)
            try store.finishJobs()
            let second = try store.converge(desired(), commit: "c2")
            #expect(second.summary == ["create policy_version.planner_policy@2", "create experiment.planner_policy_exp/variant.leftovers_v2"])
            #expect(second.gates.map { $0.headline.hasPrefix("pass:") } == [true])
            #expect(try database.count("exp.gate_decisions") == 1)
            // The variant now serves traffic: its online gate waits for units, recorded once.
            let online = try store.plan(desired())
            #expect(online.actions.isEmpty)
            #expect(online.gates.map(\.headline) == ["waiting: no units are assigned to leftovers_v2 and control yet"])
            try store.apply(online)
            #expect(try store.plan(desired()).gates.isEmpty)
            #expect(try database.count("exp.gate_decisions") == 2)
            #expect(try store.versionsWithoutModel() == 0)
            let version = try store.connection.execute("""
                SELECT pv.mlflow_model_version, pv.job_id::text = j.id::text AS linked
                FROM exp.policy_versions pv JOIN exp.jobs j ON j.name = pv.training_name WHERE pv.version = 2
                """)
            #expect(version.string(0, "mlflow_model_version") == "2")
            #expect(version.bool(0, "linked") == true)
            let variant = try store.connection.execute("""
                SELECT v.allocation::text AS allocation, v.config->>'policy_version_id' = pv.id::text AS linked,
                       v.config->'params' AS params, v.position, v.source_commit, v.source_path
                FROM exp.variants v JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
                WHERE v.name = 'control'
                """)
            #expect(variant.string(0, "allocation") == "0.9000")
            #expect(variant.bool(0, "linked") == true)
            #expect(variant.string(0, "params") == #"{"exploration_rate": 0.15}"#)
            #expect(variant.int(0, "position") == 0)
            #expect(variant.string(0, "source_commit") == "c1")
            #expect(variant.string(0, "source_path") == "desired.yaml")
            let runs = try store.connection.execute("""
                SELECT outcome, length(plan_digest) AS digest, jsonb_array_length(actions) AS actions,
                       jsonb_array_length(completed_actions) AS completed, jsonb_array_length(waiting_actions) AS waiting
                FROM exp.reconcile_runs ORDER BY id
                """)
            #expect(runs.rows.indices.map { runs.string($0, "outcome") } == ["applied", "applied", "applied", "no_changes"])
            #expect(runs.int(0, "digest") == 64)
            #expect(runs.int(0, "actions") == 5)
            #expect(runs.int(0, "completed") == 5)
            #expect(runs.int(0, "waiting") == 2)
            #expect(runs.int(1, "actions") == 1)
            #expect(runs.int(2, "actions") == 2)
        }
    }

    @Test func aTrainedVersionWrittenBeforeVersion4IsFilledInOnceItsJobRan() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Migrator.migrate(connection, migrations: Array(Migration.all.prefix(3)))
            // What an earlier expctl wrote: policy version 2 without a model version.
            try connection.execute("INSERT INTO exp.policies (name, description, source_commit, source_path) VALUES ('planner_policy', 'Weekly meal planner', 'c0', 'desired.yaml')")
            try connection.execute("""
                INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, training_name, config_defaults, source_commit, source_path)
                SELECT id, 2, 'planner_model', 'planner-2025-01-10', '{}', 'c0', 'desired.yaml' FROM exp.policies
                """)
            let store = ExpStore(connection: connection)
            try store.migrate()
            // Even a hand-made plan cannot point a variant at it before its model version is known.
            let early = Plan(commit: "c", actions: [
                PlannedAction(kind: .create, address: .experiment("e"), changes: [
                    FieldChange(field: "unit_type", before: nil, after: .string("user")),
                    FieldChange(field: "status", before: nil, after: .string("draft")),
                ], reason: "test"),
                PlannedAction(kind: .create, address: .variant(experiment: "e", name: "v"), changes: [
                    FieldChange(field: "allocation", before: nil, after: .double(0.5)),
                    FieldChange(field: "policy_version", before: nil, after: .string("planner_policy@2")),
                    FieldChange(field: "position", before: nil, after: .integer(0)),
                ], reason: "test"),
            ])
            let refused = try #require(throws: ApplyError.self) { try store.apply(early) }
            guard case .databaseFailed("create experiment.e/variant.v", _, _, _) = refused else {
                Issue.record("\(refused)")
                return
            }
            let waiting = try store.converge(desired())
            #expect(waiting.action("update policy_version.planner_policy@2")?.readiness.isReady == false)
            #expect(try store.versionsWithoutModel() == 1)
            try store.finishJobs(version: "6")
            try store.converge(desired(), commit: "c2")
            try store.finishJobs()
            let filled = try store.converge(desired(), commit: "c2")
            #expect(filled.action("update policy_version.planner_policy@2")?.readiness == .ready)
            #expect(try store.versionsWithoutModel() == 0)
            let version = try store.actualState().policies["planner_policy"]?.versions[2]
            #expect(version?.mlflowModelVersion == "6")
            #expect(try store.actualState().experiments["planner_policy_exp"]?.variants["leftovers_v2"] != nil)
            #expect(version?.jobID != nil)
            #expect(try store.plan(desired()).actions.isEmpty)
        }
    }

    @Test func everyKindOfChangeConverges() throws {
        try withStore { store, _ in
            try store.convergeAll(desired())
            let changed = desired(exampleTree
                .replacingOccurrences(of: "status: running", with: "status: paused")
                .replacingOccurrences(of: "Weekly meal planner", with: "Weekly planner")
                // Within the 10% cap a version not in production may have (planner_policy@2 serves a candidate).
                .replacingOccurrences(of: "allocation: 0.9, policy_version: planner_policy@1, params: { exploration_rate: 0.15 }",
                    with: "allocation: 0.1, policy_version: planner_policy@2, params: { exploration_rate: 0.3 }")
                .replacingOccurrences(of: "      - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }\n",
                    with: "      - { name: pantry_first, allocation: 0.85, policy_version: planner_policy@1 }\n"))
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
            #expect(experiment.variants["pantry_first"]?.position == 1)
            // Back in git: restored.
            try store.converge(desired(), commit: "c3")
            #expect(try store.actualState().experiments["planner_policy_exp"]?.variants["leftovers_v2"]?.retiredAt == nil)
        }
    }

    @Test func retirementKeepsAssignmentsAndArchivesExperiments() throws {
        try withStore { store, database in
            try store.convergeAll(desired())
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

    @Test func aFailureInTheMiddleLeavesNothingBehindAndKeepsItsCause() throws {
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
                    FieldChange(field: "position", before: nil, after: .integer(0)),
                ], reason: "test"),
            ])
            let error = try #require(throws: ApplyError.self) { try store.apply(plan) }
            guard case .databaseFailed(let action, let cause as StoreError, 0, 0) = error,
                case .actionFailed(_, .unexpectedRowCount(0)) = cause
            else {
                Issue.record("\(error)")
                return
            }
            #expect(action == "create experiment.e/variant.v")
            #expect("\(error)" == "create experiment.e/variant.v failed: it matched 0 rows instead of 1 (the database changed since the plan, or a policy version it needs is missing); nothing was applied")
            #expect(try database.count("exp.experiments") == 0)
            let run = try store.connection.execute("SELECT outcome, error FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "failed")
            #expect(run.string(0, "error")?.contains("create experiment.e/variant.v") == true)
        }
    }

    @Test func aRefusedStatementKeepsItsSQLState() throws {
        try withStore { store, _ in
            try store.convergeAll(desired())
            // An allocation above 1 that only the database refuses (its CHECK).
            let plan = Plan(commit: "c2", actions: [
                PlannedAction(
                    kind: .update, address: .variant(experiment: "planner_policy_exp", name: "control"),
                    changes: [FieldChange(field: "params", before: nil, after: .object([:])), FieldChange(field: "allocation", before: nil, after: .integer(3))],
                    reason: "test"),
            ])
            let error = try #require(throws: ApplyError.self) { try store.apply(plan) }
            #expect(error.sqlState == "23514")
            guard case .databaseFailed(_, let cause as StoreError, _, _) = error, case .actionFailed(_, .postgres(let postgres)) = cause else {
                Issue.record("\(error)")
                return
            }
            #expect(postgres.sqlState == "23514")
        }
    }

    @Test func textIsStoredVerbatim() throws {
        try withStore { store, _ in
            let hostile = "Robert'); DROP TABLE exp.experiments;-- \\\\ \\\"quoted\\\" 🍲 planificateur"
            let text = exampleTree
                .replacingOccurrences(of: "description: Leftover-aware planner against control", with: "description: \"\(hostile)\"")
                .replacingOccurrences(of: "params: { exploration_rate: 0.15 }", with: "params: { note: \"a;b'c\\\"d 🍲\", nested: { list: [1, 2.5, true, null] } }")
            let state = desired(text)
            try store.convergeAll(state)
            #expect(try store.plan(state).actions.isEmpty)
            let actual = try store.actualState()
            #expect(actual.experiments["planner_policy_exp"]?.description == state.experiments[0].description)
            #expect(actual.experiments["planner_policy_exp"]?.variants["control"]?.params == state.experiments[0].variants[0].params)
        }
    }

    @Test func aPlanWithProblemsIsRefusedAndNothingIsRecorded() throws {
        try withStore { store, database in
            try store.convergeAll(desired(exampleTree.replacingOccurrences(of: "status: running", with: "status: completed")))
            let runsBefore = try database.count("exp.reconcile_runs")
            let reopened = try store.plan(desired())
            #expect(reopened.problems.map(\.message) == ["experiment planner_policy_exp cannot move from completed to running"])
            let error = try #require(throws: ApplyError.self) { try store.apply(reopened) }
            guard case .planHasProblems(1) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(try store.actualState().experiments["planner_policy_exp"]?.status == .completed)
            #expect(try database.count("exp.reconcile_runs") == runsBefore)
        }
    }
}
