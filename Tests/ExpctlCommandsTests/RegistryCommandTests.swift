import ExpctlCommands
import ExpctlMLflow
import ExpctlPlan
import ExpctlReconciler
import Foundation
import PostgresTestSupport
import Testing

/// plan and apply with the MLflow registry: a real MLflow server (scripts/test) and a real
/// PostgreSQL, each test with a registered model of its own.
// These tests finish training jobs by hand (`finishTrainingJob`), as a runner elsewhere would: their
// applies and passes record jobs but do not run them (--skip-jobs).
@Suite("expctl plan and apply with the MLflow model registry")
struct RegistryCommandTests {
    private func arguments(_ repository: GitFixture, _ database: TestDatabase, mlflow: String? = nil) throws -> [String] {
        ["--repo", repository.path, "--path", "configs", "--database-url", database.url, "--mlflow-url", try mlflow ?? testMLflowURI()]
    }

    @Test func aPolicyVersionPointingAtAMissingModelVersionIsRefusedWithFileAndLine() throws {
        let model = try registerTestModel(versions: 0)
        let repository = try exampleRepository(model: model)
        try TestDatabase.with { database in
            let source = try arguments(repository, database)
            let plan = expctl(arguments: ["plan"] + source)
            #expect(plan.status == 1)
            #expect(plan.output.contains("configs/policies/planner_policy.yaml:6:9"), "\(plan.output)")
            #expect(plan.output.contains("points at \(model) version 1, which is not registered in MLflow: policies must reference registered MLflow model versions"))
            #expect(plan.output.contains("hint: register it first: \(model) has no versions yet"))
            let apply = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
            #expect(apply.status == 1)
            #expect(try database.count("exp.policies") == 0)
            #expect(try testMLflowClient().registeredModel(model)?.versions.isEmpty == true)
        }
    }

    @Test func promotionsToCandidateAndProductionMoveTagsAndAliases() throws {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        let mlflow = try testMLflowClient()
        try TestDatabase.with { database in
            let source = try arguments(repository, database)
            // Version 1 to production; the trained candidate, its policy version and variant wait on the job.
            let first = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(first.status == 2, "\(first.errors)")
            #expect(first.output.contains("model_version.\(model)/1"))
            #expect(first.output.contains("model_alias.\(model)@production"))
            #expect(first.output.contains("waits on job training planner-2025-01-10: planned"), "\(first.output)")
            let applied = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
            #expect(applied.status == 0, "\(applied.errors)")
            #expect(applied.output.contains("3 actions wait on jobs or gates and were not applied"), "\(applied.output)")
            var state = try #require(try mlflow.registeredModel(model))
            #expect(state.versions["1"]?.stage == .production)
            #expect(state.versions["1"]?.tags[RegistryTags.commit] == (try repository.git("rev-parse", "HEAD")).trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(state.versions["1"]?.tags[RegistryTags.path] == "configs/promotions.yaml")
            #expect(state.aliases == ["production": "1"])
            let run = try database.connect().execute(
                "SELECT outcome, jsonb_array_length(completed_actions) AS completed, jsonb_array_length(waiting_actions) AS waiting FROM exp.reconcile_runs")
            #expect(run.string(0, "outcome") == "applied")
            #expect(run.int(0, "completed") == 7)
            #expect(run.int(0, "waiting") == 3)
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + source).status == 0)

            // A version registered by hand with the training's tag changes nothing: it is not the job's.
            #expect(try registerVersionByHand(of: model, training: "planner-2025-01-10") == "2")
            let byHand = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(byHand.status == 0, "\(byHand.output)")
            #expect(byHand.output.contains("waits on job training planner-2025-01-10: pending"))

            // The job registers version 3; its offline replay against version 1 is the next job, and
            // the candidate promotion, the policy version and its variant wait on its gate.
            #expect(try completeTrainingJob(database, model: model) == "3")
            // Someone registers a newer version with the same tag: the promotion still names the job's.
            #expect(try registerVersionByHand(of: model, training: "planner-2025-01-10") == "4")
            let evaluating = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
            #expect(evaluating.status == 0, "\(evaluating.errors)")
            #expect(evaluating.output.contains("waits on offline gate for \(model)/3: waiting"), "\(evaluating.output)")
            #expect(try database.count("exp.variants") == 1)
            try completeEvaluationJob(database)
            let ready = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
            #expect(ready.status == 0, "\(ready.errors)")
            #expect(ready.output.contains("offline gate for \(model)/3 (profile default): pass"), "\(ready.output)")
            state = try #require(try mlflow.registeredModel(model))
            #expect(state.versions["3"]?.tags[RegistryTags.offlineGate] == "pass")
            #expect(state.versions["3"]?.stage == .candidate)
            #expect(state.versions["2"]?.stage == nil)
            #expect(state.versions["4"]?.stage == nil)
            #expect(state.aliases == ["production": "1", "candidate": "3"])
            let trained = try database.connect().execute("SELECT mlflow_model_version FROM exp.policy_versions WHERE version = 2")
            #expect(trained.string(0, "mlflow_model_version") == "3")
            #expect(try database.count("exp.variants") == 2)

            let decisions = try database.connect().execute(
                "SELECT gate, subject, verdict, baseline_model_version FROM exp.gate_decisions ORDER BY id")
            #expect(decisions.rows.indices.map { "\(decisions.string($0, "gate")!) \(decisions.string($0, "subject")!) \(decisions.string($0, "verdict")!)" }
                == [
                    "lifecycle \(model)/1 pass", "lifecycle \(model)/3 pass", "offline \(model)/3 pass",
                    "online planner_policy_exp/leftovers_v2 waiting",
                ])
            #expect(decisions.rows.count == 4 && decisions.string(2, "baseline_model_version") == "1")

            // Git promotes the trained version to production: with version 1 in production, that
            // needs the online gate, which nothing gathers until the experiment has traffic.
            let promotions = """
                promotions:
                  - model: \(model)
                    training: planner-2025-01-10
                    stage: production

                """
            try repository.write("configs/promotions.yaml", promotions)
            try repository.commitAll("Promote the trained planner")
            let promote = expctl(arguments: ["plan"] + source)
            #expect(promote.output.contains("another version of \(model) is promoted to production"), "\(promote.output)")
            #expect(promote.output.contains("(changed in git from candidate)"))
            #expect(!promote.output.contains("drift"))
            #expect(promote.output.contains(
                "  # waits on online gate for planner_policy_exp/leftovers_v2: waiting (0 of 1000 units per variant)"),
                "\(promote.output)")
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source).status == 0)
            state = try #require(try mlflow.registeredModel(model))
            #expect(state.versions["1"]?.stage == .production)
            #expect(state.versions["3"]?.stage == .candidate)
            #expect(state.aliases == ["production": "1", "candidate": "3"])
            #expect(state.versions.count == 4)
        }
    }

    @Test func driftByHandIsRestoredAndUnmanagedTagsAndAliasesAreLeftAlone() throws {
        let model = try registerTestModel(versions: 2)
        let repository = try exampleRepository(model: model)
        let mlflow = try testMLflowClient()
        try TestDatabase.with { database in
            let source = try arguments(repository, database)
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source).status == 0)
            try mlflow.setModelVersionTag(model, version: "1", key: "stage", value: "archived")
            try mlflow.setAlias(model, alias: "production", version: "2")
            try mlflow.setModelVersionTag(model, version: "1", key: "owner", value: "ml-platform")
            try mlflow.setAlias(model, alias: "champion", version: "2")
            let drift = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(drift.status == 2)
            #expect(drift.output.contains("changed in MLflow by hand (drift); git says production"), "\(drift.output)")
            // Lineage tags that already hold their values are not written again.
            let proxy = try FlakyMLflowProxy(failFirst: 0)
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + (try arguments(repository, database, mlflow: proxy.url))).status == 0)
            #expect(proxy.log.filter { $0.hasSuffix("model-versions/set-tag") } == ["200 POST /api/2.0/mlflow/model-versions/set-tag"])
            let state = try #require(try mlflow.registeredModel(model))
            #expect(state.versions["1"]?.stage == .production)
            #expect(state.versions["1"]?.tags["owner"] == "ml-platform")
            #expect(state.aliases == ["production": "1", "champion": "2"])
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + source).status == 0)
        }
    }

    @Test func aSavedPlanIsRefusedWhenMLflowChangedSince() throws {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        let planFile = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString).plan").path
        defer { try? FileManager.default.removeItem(atPath: planFile) }
        try TestDatabase.with { database in
            let source = try arguments(repository, database)
            #expect(expctl(arguments: ["plan", "--out", planFile] + source).status == 0)
            try testMLflowClient().setModelVersionTag(model, version: "1", key: "stage", value: "candidate")
            let stale = expctl(arguments: ["apply", planFile, "--database-url", database.url, "--mlflow-url", try testMLflowURI()])
            #expect(stale.status == 1)
            #expect(stale.errors.contains("is stale: the MLflow model registry changed since it was made"), "\(stale.errors)")
            #expect(try database.count("exp.policies") == 0)
            // Without MLflow, a plan made against it is not applied half-way.
            let withoutMLflow = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(withoutMLflow.status == 1)
            #expect(withoutMLflow.errors.contains("the plan needs MLflow: it changes the MLflow model registry (2 actions)"), "\(withoutMLflow.errors)")
            #expect(try database.count("exp.policies") == 0)
        }
    }

    @Test func aServerThatAnswers503TwiceIsRetried() throws {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        let proxy = try FlakyMLflowProxy(failFirst: 2)
        try TestDatabase.with { database in
            let plan = expctl(arguments: ["plan", "--detailed-exitcode"] + (try arguments(repository, database, mlflow: proxy.url)))
            #expect(plan.status == 2, "\(plan.errors)")
            #expect(plan.output.contains("model_alias.\(model)@production"))
            #expect(Array(proxy.log.prefix(3)) == [
                "503 GET /api/2.0/mlflow/registered-models/get", "503 GET /api/2.0/mlflow/registered-models/get",
                "200 GET /api/2.0/mlflow/registered-models/get",
            ])
        }
    }

    @Test func aServerThatIsDownIsAClearErrorAndChangesNothing() throws {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        try TestDatabase.with { database in
            let down = try arguments(repository, database, mlflow: "http://127.0.0.1:1")
            let plan = expctl(arguments: ["plan"] + down)
            #expect(plan.status == 1)
            #expect(plan.errors.hasPrefix("expctl: error: MLflow GET registered-models/get:"), "\(plan.errors)")
            #expect(plan.errors.contains("(MLflow: http://127.0.0.1:1)"))
            let withPassword = expctl(arguments: ["plan"] + (try arguments(repository, database, mlflow: "http://bot:s3cret@127.0.0.1:1")))
            #expect(withPassword.status == 1)
            #expect(withPassword.errors.contains("(MLflow: http://***@127.0.0.1:1)"), "\(withPassword.errors)")
            #expect(!(withPassword.errors + withPassword.output).contains("s3cret"))
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + down).status == 1)
            #expect(try database.count("exp.policies") == 0)

            // MLflow goes away mid-apply, after the first registry change: PostgreSQL is untouched.
            // Plan and the stale check read the registry in 2 requests each; the first action (the stage
            // and lineage tags) takes 4, so the alias after it fails.
            let proxy = try FlakyMLflowProxy(failFirst: 0, failAfter: 8)
            let apply = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + (try arguments(repository, database, mlflow: proxy.url)))
            #expect(apply.status == 1)
            #expect(apply.errors.contains("failed: MLflow POST registered-models/alias:"), "\(apply.errors)")
            #expect(apply.errors.contains("the database was not changed, but 1 MLflow registry change and 1 job ledger change were made before it"), "\(apply.errors)")
            #expect(try database.count("exp.policies") == 0)
            let run = try database.connect().execute("SELECT outcome FROM exp.reconcile_runs ORDER BY id DESC LIMIT 1")
            #expect(run.string(0, "outcome") == "failed")
            // The next apply, with MLflow back, completes the rest.
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + (try arguments(repository, database))).status == 0)
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + (try arguments(repository, database))).status == 0)
            #expect(try database.count("exp.policies") == 1)
        }
    }

    @Test func aProcessKilledBetweenMLflowAndPostgreSQLStepsIsCompletedByTheNextApply() throws {
        let model = try registerTestModel(versions: 25, productionBefore: [25])
        let repository = try exampleRepository(model: model)
        var promotions = "promotions:\n"
        for version in 1...24 { promotions += "  - { model: \(model), version: \(version), stage: archived }\n" }
        promotions += "  - { model: \(model), version: 25, stage: production }\n"
        try repository.write("configs/promotions.yaml", promotions)
        // The control variant serves the production version: above the cap a version not in
        // production could not serve.
        let policy = try String(contentsOfFile: repository.path + "/configs/policies/planner_policy.yaml", encoding: .utf8)
        try repository.write(
            "configs/policies/planner_policy.yaml",
            policy.replacingOccurrences(of: "mlflow_model_version: 1", with: "mlflow_model_version: 25"))
        try repository.commitAll("Archive the old versions")
        try TestDatabase.with { database in
            let source = try arguments(repository, database)
            // Four writes at once: the run record must still say exactly what completed.
            let child = try ExpctlProcess(["apply", "--auto-approve", "--skip-jobs", "--parallelism", "4", "--log-format", "json"] + source)
            // Killed as soon as it reports a registry action done (recorded in the run before it
            // is reported): PostgreSQL comes after.
            let registryDone = child.waitForLine { line in
                line.contains(#""event":"actions_completed""#) && line.contains(#""system":"registry""#)
            }
            try #require(registryDone != nil, "the apply finished before it could be killed: \(child.transcript)")
            kill(child.process.processIdentifier, SIGKILL)
            _ = child.finish(within: 10)
            let watcher = try database.connect()
            #expect(try database.count("exp.policies") == 0)
            // PostgreSQL notices the dead client's connection a moment later: until then its
            // backend (and the writers' lock) is still there.
            for _ in 0..<200 {
                let alive = try watcher.execute("""
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE pid IN (SELECT backend_pid FROM exp.reconcile_runs WHERE outcome = 'running')
                    """).int(0, "n") ?? 0
                if alive == 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }

            let rerun = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
            #expect(rerun.status == 0, "\(rerun.errors)")
            let runs = try watcher.execute("SELECT outcome FROM exp.reconcile_runs ORDER BY id")
            #expect(runs.rows.indices.map { runs.string($0, "outcome") } == ["interrupted", "applied"])
            let state = try #require(try testMLflowClient().registeredModel(model))
            #expect(state.versions.count == 25)
            #expect(state.versions.values.filter { $0.stage == .archived }.count == 24)
            #expect(state.versions["25"]?.stage == .production)
            #expect(state.aliases == ["production": "25"])
            #expect(try database.count("exp.policies") == 1)
            #expect(try database.count("exp.policy_versions") == 1)
            #expect(try database.count("exp.variants") == 1)
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + source).status == 0)
        }
    }

    @Test func reconcileAppliesPromotionsAndSkipsWhatWaits() throws {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        try TestDatabase.with { database in
            let pass = ["reconcile", "--once", "--skip-jobs"] + (try arguments(repository, database))
            let first = expctl(arguments: pass)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("applied 6 to add, 1 to change, 0 to retire, 1 gate decision recorded; 3 waiting on jobs or gates (waits on job training"), "\(first.output)")
            #expect(try testMLflowClient().registeredModel(model)?.aliases == ["production": "1"])
            // A run a killed process left behind (its backend gone) is marked even with nothing to apply.
            try database.connect().execute("""
                INSERT INTO exp.reconcile_runs (commit_sha, plan_digest, actions, outcome, started_at, backend_pid)
                VALUES ('c', 'd', '[]', 'running', now(), 0)
                """)
            let second = expctl(arguments: pass)
            #expect(second.output.contains("nothing ready to apply; 3 waiting on jobs or gates"), "\(second.output)")
            let runs = try database.connect().execute("SELECT outcome FROM exp.reconcile_runs ORDER BY id")
            #expect(runs.rows.indices.map { runs.string($0, "outcome") } == ["applied", "interrupted"])
        }
    }
}

@Suite("MLflow's error codes reach the top")
struct MLflowErrorCodeTests {
    @Test func aRegistryFailureKeepsMLflowsCode() throws {
        let mlflow = try testMLflowClient()
        let error = try #require(throws: MLflowError.self) {
            try mlflow.setModelVersionTag("no_such_model_\(UInt32.random(in: .min ... .max))", version: "1", key: "stage", value: "production")
        }
        let failure = ApplyError.registryActionFailed(action: "update model_version.m/1", error: error, registryChanges: 0, ledgerChanges: 0)
        #expect(ErrorFacts.mlflowErrorCode(of: failure) == "RESOURCE_DOES_NOT_EXIST")
        #expect(ErrorFacts.mlflowErrorCode(of: PassError.apply(failure)) == "RESOURCE_DOES_NOT_EXIST")
        #expect(ErrorFacts.sqlState(of: failure) == nil)
    }
}
