import ExpctlCommands
import ExpctlModel
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// The arguments of a database-only command: the registry skipped on purpose.
private func databaseOnly(_ repository: GitFixture, _ database: TestDatabase) -> [String] {
    ["--repo", repository.path, "--path", "configs", "--database-url", database.url, "--skip-registry"]
}

/// Finishes the pending training job as a runner would, registering model version `version`.
func finishTrainingJob(_ database: TestDatabase, version: String) throws -> String {
    let store = ExpStore(connection: try database.connect())
    let claim = try #require(try store.jobs.claim(owner: "test-runner", leaseSeconds: 60))
    #expect(
        try store.jobs.succeed(
            claim.id, owner: "test-runner",
            result: ["model_name": .string("planner_model"), "model_version": .string(version)]))
    return claim.id
}

@Suite("expctl plan, apply and migrate against PostgreSQL")
struct PlanApplyCommandTests {
    @Test func planThenApplyThenTheTrainedVersionWaitsOnItsJob() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = databaseOnly(repository, database)
            let first = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(first.status == 2, "\(first.errors)")
            #expect(first.output.hasPrefix("Note: model versions were not checked against MLflow (--skip-registry)"))
            #expect(first.output.hasSuffix("Plan: 5 to add, 0 to change, 0 to retire. 2 waiting on jobs or gates.\n"))
            #expect(first.output.contains("  # waits on job training planner-2025-01-10: planned (inputs "))

            let apply = expctl(arguments: ["apply", "--auto-approve"] + source)
            #expect(apply.status == 0, "\(apply.errors)")
            #expect(apply.output.contains("  job.training/planner-2025-01-10: added in the job ledger\n"))
            #expect(apply.output.contains("  PostgreSQL: 4 changes committed in one transaction\n"))
            #expect(
                apply.output.hasSuffix(
                    "Apply complete! Resources: 5 added, 0 changed, 0 retired.\n"
                        + "2 actions wait on jobs or gates and were not applied; a later apply carries them out once ready.\n"
                ))

            // Nothing apply would do now: the policy version and its variant wait on the pending job.
            let again = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(again.status == 0)
            #expect(again.output.contains("  # waits on job training planner-2025-01-10: pending (inputs "))
            #expect(try database.count("exp.policy_versions") == 1)
            #expect(try database.count("exp.variants") == 1)

            // Once the job registered its version, the version waits on the offline gate, which
            // without the registry cannot know the production version to compare with.
            _ = try finishTrainingJob(database, version: "2")
            #expect(expctl(arguments: ["apply", "--auto-approve"] + source).status == 0)
            #expect(try database.count("exp.variants") == 1)
            let gated = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(gated.status == 0)
            #expect(gated.output.contains("  # waits on offline gate for planner_model/2: waiting; needs the offline gate to pass"))
            #expect(gated.output.hasSuffix("Plan: 0 to add, 0 to change, 0 to retire. 2 waiting on jobs or gates.\n"))
            let unnamed = try database.connect().execute(
                "SELECT count(*) AS n FROM exp.policy_versions WHERE mlflow_model_version IS NULL")
            #expect(unnamed.int(0, "n") == 0)
        }
    }

    @Test func withoutMLflowPolicyVersionsAreWrittenOnlyWithSkipRegistry() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = ["--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let plan = expctl(arguments: ["plan"] + source)
            #expect(plan.status == 0, "\(plan.errors)")
            #expect(plan.output.hasPrefix("Note: MLflow is not configured (MLFLOW_TRACKING_URI or --mlflow-url)"))
            #expect(
                plan.output.contains(
                    "# blocked: MLflow is not configured, so expctl cannot check that planner_model version 1 exists\n")
            )
            #expect(plan.output.hasSuffix("Plan: 3 to add, 0 to change, 0 to retire. 4 blocked.\n"))
            #expect(expctl(arguments: ["apply", "--auto-approve"] + source).status == 0)
            #expect(try database.count("exp.experiments") == 1)
            #expect(try database.count("exp.policy_versions") == 0)
            #expect(try database.count("exp.variants") == 0)
            #expect(expctl(arguments: ["apply", "--auto-approve", "--skip-registry"] + source).status == 0)
            #expect(try database.count("exp.policy_versions") == 1)
        }
    }

    @Test func aSavedPlanIsAppliedExactlyAndRefusedWhenStaleOrEdited() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = databaseOnly(repository, database)
            let planFile = repository.directory.appendingPathComponent("plan.json").path
            let saved = expctl(arguments: ["plan", "--out", planFile] + source)
            #expect(saved.status == 0, "\(saved.errors)")
            #expect(saved.output.contains("Saved the plan to \(planFile)"))
            let applied = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(applied.status == 0, "\(applied.errors)")
            #expect(try database.count("exp.variants") == 1)

            // A plan made, then a job finished behind it: refused, nothing applied.
            #expect(expctl(arguments: ["plan", "--out", planFile] + source).status == 0)
            _ = try finishTrainingJob(database, version: "2")
            let afterJob = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(afterJob.status == 1)
            #expect(
                afterJob.errors.contains(
                    "the plan is stale: the job ledger changed since it was made; nothing was applied"),
                "\(afterJob.errors)")
            #expect(afterJob.errors.contains("(plan file \(planFile))"))

            // A plan made, then the database changed behind it: refused alike.
            #expect(expctl(arguments: ["plan", "--out", planFile] + source).status == 0)
            try database.connect().execute("UPDATE exp.experiments SET description = 'changed by hand'")
            let stale = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(stale.status == 1)
            #expect(stale.errors.contains("the plan is stale: the database changed since it was made"))
            // A stale plan never starts: no run is recorded for it.
            #expect(try database.count("exp.reconcile_runs") == 1)

            // A plan file edited by hand is refused before anything is read.
            #expect(expctl(arguments: ["plan", "--out", planFile] + source).status == 0)
            let text = try String(contentsOfFile: planFile, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"after\": 0.1", with: "\"after\": 0.9").utf8).write(
                to: URL(fileURLWithPath: planFile))
            let edited = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(edited.status == 1)
            #expect(edited.errors.contains("the plan file was changed after expctl wrote it"), "\(edited.errors)")
            // A plan file of format 1.0 is refused with what to do.
            try Data(#"{"format_version": "1.0", "commit": "abc", "actions": [], "problems": []}"#.utf8).write(
                to: URL(fileURLWithPath: planFile))
            let old = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(
                old.errors.contains(
                    "the plan file has format_version 1.0; this expctl reads 2.1 only: make the plan again"),
                "\(old.errors)")
        }
    }

    @Test func applyAsksBeforeChangingAnything() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = databaseOnly(repository, database)
            let noTerminal = expctl(arguments: ["apply"] + source)
            #expect(noTerminal.status == 1)
            #expect(noTerminal.errors.contains("pass --auto-approve"))
            let declined = expctl(
                answers: ["no"], "apply", source[0], source[1], source[2], source[3], source[4], source[5], source[6])
            #expect(declined.status == 1)
            #expect(declined.output.contains("Only 'yes' will be accepted to approve."))
            #expect(declined.output.hasSuffix("Apply cancelled.\n"))
            #expect(try database.count("exp.experiments") == 0)
            let approved = expctl(
                answers: ["yes"], "apply", source[0], source[1], source[2], source[3], source[4], source[5], source[6])
            #expect(approved.status == 0)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func markdownAndJSONShowWhatWaitsAndOnWhat() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = databaseOnly(repository, database)
            let markdown = expctl(arguments: ["plan", "--format", "markdown"] + source)
            #expect(markdown.output.contains("| **total** | 5 | 0 | 0 | 2 | 0 | 0 |"))
            #expect(
                markdown.output.contains(
                    "- :hourglass: `create policy_version.planner_policy@2` waits on job training planner-2025-01-10: planned"
                ))
            let json = expctl(arguments: ["plan", "--format", "json"] + source)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            #expect(document["format_version"] as? String == "2.1")
            #expect(document["registry"] as? String == "skipped")
            let actions = try #require(document["actions"] as? [[String: Any]])
            #expect(actions.count == 7)
            let variant = try #require(
                actions.first { $0["id"] as? String == "create experiment.planner_policy_exp/variant.leftovers_v2" })
            let readiness = try #require(variant["readiness"] as? [String: Any])
            #expect(readiness["state"] as? String == "waiting")
            let waits = try #require(readiness["waits_on"] as? [[String: Any]])
            #expect(waits.map { $0["type"] as? String } == ["action", "job"])
            #expect(waits[1]["name"] as? String == "planner-2025-01-10")
            #expect((waits[1]["evidence"] as? [String: Any])?["state"] as? String == "planned")
        }
    }

    @Test func aFailedStatementReachesTheCommandLineWithItsSQLState() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            #expect(expctl(arguments: ["migrate", "--database-url", database.url]).status == 0)
            try database.connect().execute(
                """
                CREATE FUNCTION exp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'experiments are frozen' USING ERRCODE = 'P0042'; END $$
                """)
            try database.connect().execute(
                "CREATE TRIGGER frozen BEFORE INSERT ON exp.experiments FOR EACH ROW EXECUTE FUNCTION exp.refuse()")
            let text = expctl(arguments: ["apply", "--auto-approve"] + databaseOnly(repository, database))
            #expect(text.status == 1)
            #expect(
                text.errors
                    == "expctl: error: create experiment.planner_policy_exp failed: query failed: experiments are frozen (SQLSTATE P0042); the database was not changed, but 1 job ledger change was made before it: run apply again to complete the rest\n"
            )
            let json = expctl(
                arguments: ["apply", "--auto-approve", "--log-format", "json"] + databaseOnly(repository, database))
            #expect(json.status == 1)
            let lines = json.output.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let failure = try #require(lines.last { $0["event"] as? String == "error" }?["error"] as? [String: Any])
            #expect(failure["kind"] as? String == "apply")
            #expect(failure["sqlstate"] as? String == "P0042")
            #expect(failure["action"] as? String == "create experiment.planner_policy_exp")
            #expect(try database.count("exp.experiments") == 0)
        }
    }

    @Test func invalidDesiredStateAndUnreachableDatabasesAreErrors() throws {
        let repository = try exampleRepository()
        try repository.write("configs/bad.yaml", "experiments: [1]\n")
        try repository.commitAll("bad")
        try TestDatabase.with { (database: TestDatabase) throws in
            let invalid = expctl(arguments: [
                "plan", "--repo", repository.path, "--path", "configs", "--database-url", database.url,
            ])
            #expect(invalid.status == 1)
            #expect(invalid.output.contains("configs/bad.yaml:1:15: error:"))
            let versions = Migration.all.map(\.version)
            let latest = versions.max() ?? 0
            let applied = versions.map(String.init).joined(separator: ", ")
            let migrate = expctl(arguments: ["migrate", "--database-url", database.url])
            #expect(migrate.output == "Migrated the exp schema to version \(latest) (applied \(applied)).\n")
            #expect(
                expctl(arguments: ["migrate", "--database-url", database.url]).output
                    == "The exp schema is up to date (version \(latest)).\n")
        }
        let unreachable = expctl(arguments: [
            "migrate", "--database-url", "postgresql://expctl:s3cret@127.0.0.1:1/x?connect_timeout=2",
        ])
        #expect(unreachable.status == 1)
        #expect(unreachable.errors.hasPrefix("expctl: error: cannot connect to PostgreSQL"))
        #expect(!unreachable.errors.contains("s3cret"))
        #expect(unreachable.errors.split(separator: "\n").count == 1)
    }

    /// scripts/test sets MLFLOW_TRACKING_URI and DATABASE_URL of the test process to closed
    /// ports: a command that read the process's environment instead of the one it is given
    /// would fail here.
    @Test func commandsReadTheEnvironmentTheyAreGivenNotTheProcesses() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let process = ProcessInfo.processInfo.environment
            #expect(process["MLFLOW_TRACKING_URI"] == "http://127.0.0.1:9", "run the tests with scripts/test")
            let plan = expctl(arguments: [
                "plan", "--repo", repository.path, "--path", "configs", "--database-url", database.url,
            ])
            #expect(plan.status == 0, "\(plan.errors)")
            #expect(plan.output.hasPrefix("Note: MLflow is not configured"))
            // The same settings given in the environment are used.
            let fromEnvironment = expctl(
                arguments: ["plan", "--repo", repository.path, "--path", "configs", "--skip-registry"],
                environment: testEnvironment.merging(["DATABASE_URL": database.url]) { $1 })
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.errors)")
        }
    }
}
