import ExpctlCommands
import Foundation
import PostgresTestSupport
import Testing

/// Runs expctl in-process with scripted answers to its questions.
func expctl(answers: [String], _ arguments: String...) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole(answers: answers)
    let status = ExpctlCLI.run(arguments, console: console)
    return (status, console.output, console.errorOutput)
}

@Suite("expctl plan, apply and migrate against PostgreSQL")
struct PlanApplyCommandTests {
    @Test func planThenApplyThenNoChanges() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = ["--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let first = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(first.status == 2, "\(first.errors)")
            #expect(first.output.hasSuffix("Plan: 6 to add, 0 to change, 0 to retire.\n"))
            #expect(first.output.contains("+ variant \"leftovers_v2\" in experiment \"planner_policy_exp\" {"))

            let apply = expctl(arguments: ["apply", "--auto-approve"] + source)
            #expect(apply.status == 0, "\(apply.errors)")
            #expect(apply.output.hasSuffix("Apply complete! Resources: 6 added, 0 changed, 0 retired.\n"))

            let again = expctl(arguments: ["plan", "--detailed-exitcode"] + source)
            #expect(again.status == 0)
            #expect(again.output.hasPrefix("No changes. The database matches the desired state at "))
            #expect(expctl(arguments: ["apply", "--auto-approve"] + source).status == 0)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func aSavedPlanIsAppliedExactlyAndRefusedWhenStale() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = ["--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let planFile = repository.directory.appendingPathComponent("plan.json").path
            let saved = expctl(arguments: ["plan", "--out", planFile] + source)
            #expect(saved.status == 0, "\(saved.errors)")
            #expect(saved.output.contains("Saved the plan to \(planFile)"))
            let applied = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(applied.status == 0, "\(applied.errors)")
            #expect(try database.count("exp.variants") == 2)

            // A plan made, then the database changed behind it: refused, nothing applied.
            try repository.write("configs/promotions.yaml", "promotions: []\n")
            let text = try repository.read("configs/experiments/planner_policy_exp.yaml")
                .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.85")
                .replacingOccurrences(of: "allocation: 0.1\n", with: "allocation: 0.15\n")
            try repository.write("configs/experiments/planner_policy_exp.yaml", text)
            try repository.commitAll("15%")
            #expect(expctl(arguments: ["plan", "--out", planFile] + source).status == 0)
            try database.connect().execute("UPDATE exp.experiments SET description = 'changed by hand'")
            let stale = expctl(arguments: ["apply", planFile, "--database-url", database.url])
            #expect(stale.status == 1)
            #expect(stale.errors.contains("is stale: the database changed since it was made"))
            #expect(try database.connect().execute("SELECT count(*) AS n FROM exp.variants WHERE allocation = 0.15").int(0, "n") == 0)
            // A stale plan never starts: no run is recorded for it.
            #expect(try database.count("exp.reconcile_runs") == 1)
        }
    }

    @Test func applyAsksBeforeChangingAnything() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = ["--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let noTerminal = expctl(arguments: ["apply"] + source)
            #expect(noTerminal.status == 1)
            #expect(noTerminal.errors.contains("pass --auto-approve"))
            let declined = expctl(answers: ["no"], "apply", source[0], source[1], source[2], source[3], source[4], source[5])
            #expect(declined.status == 1)
            #expect(declined.output.contains("Only 'yes' will be accepted to approve."))
            #expect(declined.output.hasSuffix("Apply cancelled.\n"))
            #expect(try database.count("exp.experiments") == 0)
            let approved = expctl(answers: ["yes"], "apply", source[0], source[1], source[2], source[3], source[4], source[5])
            #expect(approved.status == 0)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func markdownAndJSONForBots() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let source = ["--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let markdown = expctl(arguments: ["plan", "--format", "markdown"] + source)
            #expect(markdown.output.contains("| **total** | 6 | 0 | 0 | 0 |"))
            let json = expctl(arguments: ["plan", "--format", "json"] + source)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
            #expect(document["format_version"] as? String == "1.0")
            #expect((document["actions"] as? [Any])?.count == 6)
        }
    }

    @Test func invalidDesiredStateAndUnreachableDatabasesAreErrors() throws {
        let repository = try exampleRepository()
        try repository.write("configs/bad.yaml", "experiments: [1]\n")
        try repository.commitAll("bad")
        try TestDatabase.with { (database: TestDatabase) throws in
            let invalid = expctl(arguments: ["plan", "--repo", repository.path, "--path", "configs", "--database-url", database.url])
            #expect(invalid.status == 1)
            #expect(invalid.output.contains("configs/bad.yaml:1:15: error:"))
            let migrate = expctl(arguments: ["migrate", "--database-url", database.url])
            #expect(migrate.output == "Migrated the exp schema to version 3 (applied 1, 2, 3).\n")
            #expect(expctl(arguments: ["migrate", "--database-url", database.url]).output == "The exp schema is up to date (version 3).\n")
        }
        let unreachable = expctl(arguments: ["migrate", "--database-url", "postgresql://expctl:s3cret@127.0.0.1:1/x?connect_timeout=2"])
        #expect(unreachable.status == 1)
        #expect(unreachable.errors.hasPrefix("expctl: error: cannot connect to PostgreSQL"))
        #expect(!unreachable.errors.contains("s3cret"))
        #expect(unreachable.errors.split(separator: "\n").count == 1)
    }
}

/// Runs expctl in-process with an argument list.
func expctl(arguments: [String]) -> (status: Int32, output: String, errors: String) {
    let console = BufferConsole()
    let status = ExpctlCLI.run(arguments, console: console)
    return (status, console.output, console.errorOutput)
}
