import ExpctlModel
import ExpctlPostgres
import PostgresTestSupport
import Testing

/// A fresh database with the exp schema and a running 50/50 experiment.
func withRunningExperiment<R>(_ body: (TestDatabase, PostgresConnection) throws -> R) throws -> R {
    try TestDatabase.with { database in
        #expect(expctl(arguments: ["migrate", "--database-url", database.url]).status == 0)
        let connection = try database.connect()
        try RunningExperiment().insert(connection)
        return try body(database, connection)
    }
}

@Suite("expctl simulate --experiment and expctl aggregate")
struct TrafficCommandTests {
    @Test func simulateTrafficAssignsWritesAndSaysWhat() throws {
        try withRunningExperiment { database, connection in
            let run = expctl(arguments: [
                "simulate", "--experiment", "planner_policy_exp", "--units", "400", "--first-unit", "1001", "--days",
                "7",
                "--seed", "2", "--effect", "candidate:plan_acceptance_rate=+0.1", "--database-url", database.url,
            ])
            #expect(run.status == 0, "\(run.errors)")
            let lines = run.output.split(separator: "\n").map(String.init)
            #expect(
                lines.first?.hasPrefix(
                    "Simulated traffic for experiment planner_policy_exp: 400 units (unit-1001 … unit-1400) over 7 days"
                ) == true)
            #expect(lines.contains("  exp.assignments  400 new, 0 kept (sticky)"))
            #expect(lines.contains("  effects          candidate:plan_acceptance_rate=+0.1"))
            #expect(lines.last?.hasPrefix("Written in one transaction in ") == true)
            let events = try #require(try database.count("exp.events"))
            #expect(lines.contains { $0.hasPrefix("  exp.events       \(grouped(events)) (") })
            #expect(try database.count("exp.assignments") == 400)

            let again = expctl(arguments: [
                "simulate", "--experiment", "planner_policy_exp", "--units", "400", "--first-unit", "1001", "--days",
                "7",
                "--seed", "2", "--replace", "--database-url", database.url,
            ])
            #expect(again.status == 0, "\(again.errors)")
            #expect(again.output.contains("\n  replaced \(grouped(events)) earlier traffic events\n"))
            #expect(again.output.contains("  exp.assignments  0 new, 400 kept (sticky)"))
        }
    }

    @Test func anUnknownExperimentIsOneLine() throws {
        try withRunningExperiment { database, _ in
            let run = expctl(arguments: [
                "simulate", "--experiment", "nope", "--units", "4", "--days", "1", "--seed", "1", "--database-url",
                database.url,
            ])
            #expect(run.status == 1)
            #expect(
                run.errors.hasPrefix(
                    "expctl: error: no experiment 'nope' in exp.experiments; running: planner_policy_exp (database: "))
        }
    }

    /// The two modes and their options are checked before anything connects.
    @Test func trafficArgumentsAreCheckedBeforeConnecting() {
        let url = ["--database-url", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1"]
        let traffic = ["--experiment", "e", "--days", "7", "--seed", "1"]
        let cases: [([String], String)] = [
            (["--days", "7", "--seed", "1"], "give --households N to simulate a world, or --experiment NAME"),
            (traffic + ["--households", "3", "--units", "2"], "--households and --experiment are two modes"),
            (traffic, "--experiment needs --units N"),
            (traffic + ["--units", "0"], "--units must be 1 to 5000000"),
            (traffic + ["--units", "5", "--schema", "app"], "--schema belongs to world mode (--households)"),
            (
                traffic + ["--units", "5", "--effect", "candidate:acceptance=+0.1"],
                "--effect 'candidate:acceptance=+0.1': unknown metric 'acceptance'; use one of plan_acceptance_rate,"
            ),
            (traffic + ["--units", "5", "--effect", "candidate=+0.1"], "write VARIANT:METRIC=±R"),
            (
                traffic + ["--units", "5", "--effect", "c:plan_acceptance_rate=+0.9"],
                "plan_acceptance_rate 0.6 × 1.9 is above its maximum 1.0"
            ),
            (traffic + ["--units", "5", "--effect", "c:latency_ms=-1"], "must be a number above -1"),
            (traffic + ["--units", "5", "--drop", "c=1.5"], "--drop 'c=1.5': the share must be a number from 0 to 1"),
            (
                ["--households", "3", "--days", "7", "--seed", "1", "--units", "4", "--drop", "c=0.1"],
                "--units, --drop belong(s) to traffic mode (--experiment), not to --households"
            ),
        ]
        for (arguments, message) in cases {
            let run = expctl(arguments: ["simulate"] + arguments + url)
            #expect(run.status == 64, "\(arguments): \(run.errors)")
            #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
        }
        let aggregate: [([String], String)] = [
            (["--since", "yesterday"], "--since must be an RFC 3339 time"),
            (
                ["--since", "2025-01-02T00:00:00Z", "--until", "2025-01-01T00:00:00Z"],
                "--until (2025-01-01T00:00:00Z) must be after --since (2025-01-02T00:00:00Z)"
            ),
            (["--width", "week"], "--width must be hour or day, not 'week'"),
        ]
        for (arguments, message) in aggregate {
            let run = expctl(arguments: ["aggregate"] + arguments + url)
            #expect(run.status == 64, "\(arguments): \(run.errors)")
            #expect(run.errors.contains(message), "\(arguments): \(run.errors)")
        }
    }

    @Test func aggregateTwiceOverAWindowChangesNothing() throws {
        try withRunningExperiment { database, connection in
            let simulate = expctl(arguments: [
                "simulate", "--experiment", "planner_policy_exp", "--units", "300", "--days", "3", "--seed", "5",
                "--start", "2025-02-01T00:00:00Z", "--database-url", database.url,
            ])
            #expect(simulate.status == 0, "\(simulate.errors)")
            let window = ["--since", "2025-02-01T00:00:00Z", "--until", "2025-02-05T00:00:00Z"]
            let first = expctl(arguments: ["aggregate"] + window + ["--database-url", database.url])
            #expect(first.status == 0, "\(first.errors)")
            let events = try #require(try database.count("exp.events"))
            let buckets = try #require(try database.count("exp.metric_aggregates"))
            let lines = first.output.split(separator: "\n").map(String.init)
            #expect(
                lines.first
                    == "Aggregated \(grouped(events)) events from 2025-02-01T00:00:00Z to 2025-02-05T00:00:00Z"
                    + " (hour, day):")
            #expect(
                lines.dropFirst().first
                    == "  exp.metric_aggregates  \(grouped(buckets)) buckets: \(grouped(buckets)) new,"
                    + " 0 updated, 0 unchanged, 0 removed")
            // The simulated days got partitions of their own, and the gate sums took the events.
            #expect(first.output.contains("Created 4 day partitions of exp.events."), "\(first.output)")
            #expect(first.output.contains("Folded events 1–\(events) into the per-unit gate sums"), "\(first.output)")
            let second = expctl(arguments: ["aggregate"] + window + ["--width", "day", "--database-url", database.url])
            #expect(second.status == 0, "\(second.errors)")
            #expect(second.output.contains(" new, 0 updated, ") && second.output.contains(" unchanged, 0 removed"))
            #expect(second.output.contains("buckets: 0 new"))
            // Without a window, the complete days not aggregated yet: none, the window took them all.
            let defaulted = expctl(arguments: ["aggregate", "--database-url", database.url])
            #expect(
                defaulted.output
                    == "Nothing to aggregate (hour, day): no complete day of events since the last aggregation.\n")
            #expect(try database.count("exp.metric_aggregates") == buckets)
        }
    }
}

private func grouped(_ value: Int64) -> String { NumberText.grouped(Int(value)) }
