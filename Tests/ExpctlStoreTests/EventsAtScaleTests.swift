import ExpctlPostgres
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// Assigns `units` units of the experiment to its variants in turn and logs, per unit, a plan
/// generated (with latency and cost) on `day`, accepted by every other unit (with edits).
private func traffic(_ connection: PostgresConnection, experiment: String, units: Int, day: String, prefix: String)
    throws
{
    try connection.execute(
        """
        INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
        SELECT $1::uuid, $3 || n, 'user', (SELECT id FROM exp.variants WHERE experiment_id = $1::uuid
                                          ORDER BY position OFFSET n % 2 LIMIT 1), n % 10000
        FROM generate_series(1, $2::int) n
        ON CONFLICT DO NOTHING
        """, [.text(experiment), .integer(Int64(units)), .text(prefix)])
    try connection.execute(
        """
        INSERT INTO exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, metrics, occurred_at)
        SELECT t.type, 'user', a.unit_id, a.experiment_id, a.variant_id, t.metrics, $2::date + interval '1 hour'
        FROM exp.assignments a
        CROSS JOIN LATERAL (VALUES
            ('plan_generated', jsonb_build_object('latency_ms', 100 + length(a.unit_id), 'cost_usd', 0.013,
                                                  'validator_interventions', 1)),
            ('plan_accepted', jsonb_build_object('edit_count', 2))) t(type, metrics)
        WHERE a.experiment_id = $1::uuid AND a.unit_id LIKE $3 || '%'
          AND (t.type = 'plan_generated' OR substring(a.unit_id from '[0-9]+$')::int % 2 = 0)
        """, [.text(experiment), .text(day), .text(prefix)])
}

@Suite("Events at scale: day partitions and per-unit gate sums")
struct EventsAtScaleTests {
    @Test func theGateReadsTheSameEvidenceBeforeDuringAndAfterTheCatchUp() throws {
        try withStore { store, _ in
            let connection = store.connection
            let experiment = try RunningExperiment().insert(connection)
            try traffic(connection, experiment: experiment, units: 40, day: "2025-01-10", prefix: "u")
            let tailOnly = try store.observeGates().online
            #expect(tailOnly["planner_policy_exp"]?.variants["control"]?.units == 20)
            let first = try #require(try store.catchUpUnitMetrics())
            #expect(first.units == 40 && first.to > first.from)
            #expect(try store.observeGates().online == tailOnly)
            // More events, some of them for units already folded in: folded and tail add up.
            try traffic(connection, experiment: experiment, units: 60, day: "2025-01-11", prefix: "u")
            let mixed = try store.observeGates().online
            #expect(mixed != tailOnly)
            try store.catchUpUnitMetrics()
            #expect(try store.observeGates().online == mixed)
            // A catch-up with nothing new changes nothing.
            let idle = try #require(try store.catchUpUnitMetrics())
            #expect(idle.from == idle.to && idle.units == 0)
            #expect(try store.observeGates().online == mixed)
            let sums = try connection.execute(
                "SELECT sum(generated)::int AS g, sum(accepted)::int AS a, sum(edits)::text AS e, sum(cost)::text AS c FROM exp.unit_metrics"
            )
            #expect(sums.int(0, "g") == 100 && sums.int(0, "a") == 50)
            #expect(sums.string(0, "e") == "100" && sums.string(0, "c") == "1.300")
        }
    }

    @Test func anEventInTwoExperimentsCountsInEach() throws {
        try withStore { store, _ in
            let connection = store.connection
            let first = try RunningExperiment("first_exp").insert(connection)
            let second = try RunningExperiment("second_exp").insert(connection)
            try traffic(connection, experiment: first, units: 2, day: "2025-01-10", prefix: "u")
            try connection.execute(
                """
                INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
                SELECT $1::uuid, unit_id, 'user', (SELECT id FROM exp.variants WHERE experiment_id = $1::uuid
                                                   ORDER BY position LIMIT 1), 1
                FROM exp.assignments WHERE experiment_id = $2::uuid
                """, [.text(second), .text(first)])
            try connection.execute(
                """
                INSERT INTO exp.event_experiments (event_id, experiment_id, variant_id)
                SELECT e.id, $1::uuid, (SELECT id FROM exp.variants WHERE experiment_id = $1::uuid ORDER BY position LIMIT 1)
                FROM exp.events e
                """, [.text(second)])
            let before = try store.observeGates().online
            try store.catchUpUnitMetrics()
            #expect(try store.observeGates().online == before)
            let generated = try connection.execute(
                "SELECT e.name, sum(u.generated)::int AS g FROM exp.unit_metrics u JOIN exp.experiments e ON e.id = u.experiment_id GROUP BY e.name ORDER BY e.name"
            )
            #expect(generated.rows.count == 2)
            #expect(generated.int(0, "g") == 2 && generated.int(1, "g") == 2)
        }
    }

    @Test func daysGetPartitionsAheadAndOldDaysAreDetachedKeepingTheirSums() throws {
        try withStore { store, _ in
            let connection = store.connection
            let experiment = try RunningExperiment().insert(connection)
            // 2025 has no partition yet: its events wait in the default partition.
            try traffic(connection, experiment: experiment, units: 10, day: "2025-01-10", prefix: "u")
            let inDefault = try connection.execute("SELECT count(*)::int AS n FROM exp.events_default").int(0, "n")
            #expect(inDefault == 15)
            #expect(try EventPartitions.prepare(connection, ahead: 7) == 1)
            #expect(try connection.execute("SELECT count(*)::int AS n FROM exp.events_default").int(0, "n") == 0)
            #expect(try connection.execute("SELECT count(*)::int AS n FROM exp.events_20250110").int(0, "n") == 15)
            #expect(try EventPartitions.prepare(connection, ahead: 7) == 0)
            let days = try EventPartitions.days(connection)
            #expect(days.first?.day == "2025-01-10")
            #expect(days.count == 1 + 9)
            try store.catchUpUnitMetrics()
            let evidence = try store.observeGates().online
            #expect(try EventPartitions.detach(connection, before: "2025-01-11") == ["events_20250110"])
            #expect(try connection.execute("SELECT count(*)::int AS n FROM exp.events").int(0, "n") == 0)
            #expect(try connection.execute("SELECT count(*)::int AS n FROM exp.events_20250110").int(0, "n") == 15)
            // The gate still counts the detached day's events: their sums were folded in.
            #expect(try store.observeGates().online == evidence)
        }
    }

    @Test func theMigrationMovesExistingEventsIntoDayPartitionsKeepingTheirIds() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try Migrator.migrate(connection, migrations: Array(Migration.all.prefix(10)))
            let experiment = try RunningExperiment().insert(connection)
            try traffic(connection, experiment: experiment, units: 4, day: "2025-01-10", prefix: "u")
            let ids = try connection.execute("SELECT string_agg(id::text, ',' ORDER BY id) AS ids FROM exp.events")
            #expect(try Migrator.migrate(connection) == [11])
            #expect(
                try connection.execute("SELECT string_agg(id::text, ',' ORDER BY id) AS ids FROM exp.events")
                    .string(0, "ids") == ids.string(0, "ids"))
            #expect(try connection.execute("SELECT count(*)::int AS n FROM exp.events_20250110").int(0, "n") == 6)
            // New events continue the same ids.
            try traffic(connection, experiment: experiment, units: 6, day: "2025-01-11", prefix: "w")
            #expect(try connection.execute("SELECT count(DISTINCT id)::int AS n FROM exp.events").int(0, "n") == 15)
        }
    }
}
