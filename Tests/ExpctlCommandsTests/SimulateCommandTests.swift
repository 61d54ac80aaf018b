import ExpctlCommands
import PostgresTestSupport
import Testing

@Suite("expctl simulate against PostgreSQL")
struct SimulateCommandTests {
    @Test func simulateMigratesWritesAndSaysWhat() throws {
        try TestDatabase.with { database in
            let run = expctl(arguments: [
                "simulate", "--households", "12", "--days", "21", "--seed", "4", "--database-url", database.url,
            ])
            #expect(run.status == 0, "\(run.errors)")
            let lines = run.output.split(separator: "\n").map(String.init)
            #expect(lines.first == "Simulated 12 households over 21 days from 2025-01-01T00:00:00Z (seed 4):")
            #expect(lines.contains("  app.households    12"))
            #expect(lines.contains("  app.constraints   12"))
            #expect(lines.last?.hasPrefix("Written in one transaction in ") == true)
            #expect(try database.count("exp.schema_migrations") ?? 0 > 0)
            #expect(try database.count("app.households") == 12)
            let events = try #require(try database.count("exp.events"))
            #expect(
                lines.contains { $0.hasPrefix("  exp.events        \(events) (") && $0.hasSuffix(" plan_accepted)") })
            let recipes = try #require(try database.count("app.recipes"))
            #expect(lines.contains("  app.recipes       \(recipes)"))
            let first = try database.connect().execute(
                "SELECT min(occurred_at) >= '2025-01-01T00:00:00Z' AS after FROM exp.events")
            #expect(first.bool(0, "after") == true)
        }
    }

    @Test func aSecondRunIsRefusedWithoutReplaceAndReplacesWithIt() throws {
        try TestDatabase.with { database in
            let arguments = [
                "simulate", "--households", "5", "--days", "14", "--seed", "1", "--database-url", database.url,
            ]
            #expect(expctl(arguments: arguments).status == 0)
            let events = try database.count("exp.events")

            let refused = expctl(arguments: arguments + ["--schema", "app"])
            #expect(refused.status == 1)
            #expect(refused.output.isEmpty)
            #expect(
                refused.errors.hasPrefix(
                    "expctl: error: nothing written: app.recipes, app.households, app.constraints,"
                        + " app.pantry_items already hold rows and exp.events holds \(events ?? -1) simulated events;"
                        + " pass --replace to replace them (database: "
                ))
            #expect(try database.count("exp.events") == events)

            let replaced = expctl(arguments: [
                "simulate", "--households", "3", "--days", "14", "--seed", "2", "--replace", "--database-url",
                database.url,
            ])
            #expect(replaced.status == 0, "\(replaced.errors)")
            #expect(
                replaced.output.contains("\n  replaced the rows in schema app and \(events ?? -1) simulated events\n"))
            #expect(try database.count("app.households") == 3)
        }
    }

    @Test func theStartAndTheSchemaAreUsed() throws {
        try TestDatabase.with { database in
            let run = expctl(arguments: [
                "simulate", "--households", "4", "--days", "7", "--seed", "9", "--start", "2024-06-03T08:00:00Z",
                "--schema", "sandbox",
                "--database-url", database.url,
            ])
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.contains("  sandbox.pantry_items  "))
            #expect(try database.count("sandbox.households") == 4)
            let range = try database.connect().execute(
                """
                SELECT bool_and(occurred_at >= '2024-06-03T08:00:00Z' AND occurred_at < '2024-06-10T08:00:00Z')
                    AS inside
                FROM exp.events WHERE event_type = 'plan_generated'
                """)
            #expect(range.bool(0, "inside") == true)
        }
    }

    /// Arguments are checked before anything connects (the URL here reaches nothing).
    @Test func badArgumentsAreRefusedBeforeConnecting() {
        let url = ["--database-url", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1"]
        let cases: [([String], String)] = [
            (["--households", "0", "--days", "7", "--seed", "1"], "--households must be 1 to 10000000"),
            (["--households", "2", "--days", "0", "--seed", "1"], "--days must be 1 to 3660"),
            (
                ["--households", "2", "--days", "7", "--seed", "1", "--start", "2025-01-01"],
                "--start must be an RFC 3339 time"
            ),
            (
                ["--households", "2", "--days", "7", "--seed", "1", "--schema", "exp"],
                "--schema: cannot simulate into schema 'exp'"
            ),
            (["--households", "2", "--days", "7"], "Missing expected argument '--seed <seed>'"),
        ]
        for (arguments, message) in cases {
            let run = expctl(arguments: ["simulate"] + arguments + url)
            #expect(run.status == 64, "\(arguments): \(run.errors)")
            #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
        }
    }

    @Test func anUnreachableDatabaseIsOneLineWithoutThePassword() {
        let run = expctl(arguments: [
            "simulate", "--households", "2", "--days", "7", "--seed", "1",
            "--database-url", "postgresql://expctl:s3cret@127.0.0.1:1/x?connect_timeout=2",
        ])
        #expect(run.status == 1)
        #expect(run.errors.hasPrefix("expctl: error: cannot connect to PostgreSQL"))
        #expect(!run.errors.contains("s3cret"))
    }
}
