import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlSimulation
import ExpctlStore
import PostgresTestSupport
import Testing

/// A fresh migrated database with a running 50/50 experiment.
private func withExperiment(
    _ experiment: RunningExperiment = RunningExperiment(), _ body: (TestDatabase, PostgresConnection) throws -> Void
) throws {
    try TestDatabase.with { database in
        let connection = try database.connect()
        try ExpStore(connection: connection).migrate()
        try experiment.insert(connection)
        try body(database, connection)
    }
}

private func traffic(
    _ connection: PostgresConnection, units: Int, firstUnit: Int = 1, days: Int = 7, seed: UInt64 = 3,
    effects: [String] = [], drops: [String] = [], replace: Bool = false, experiment: String = "planner_policy_exp"
) throws -> TrafficSummary {
    let config = TrafficConfig(
        units: units, firstUnit: firstUnit, days: days, seed: seed,
        effects: try effects.map(TrafficEffect.init(parsing:)),
        drops: try drops.map(TrafficDrop.init(parsing:)), replace: replace)
    return try TrafficWriter(experiment: experiment, config: config, chunkSize: 8 * 1024).write(to: connection)
}

private func count(_ connection: PostgresConnection, _ sql: String) throws -> Int64? {
    try connection.execute(sql).int(0, "n")
}

@Suite("Simulated online traffic")
struct TrafficWriterTests {
    /// Every unit's row is what the shared assignment function gives, and it was assigned at
    /// its first event.
    @Test func unitsAreAssignedThroughTheSharedFunctionAtTheirFirstEvent() throws {
        let experiment = RunningExperiment(variants: [("control", "0.7"), ("candidate", "0.2")], salt: "s1")
        try withExperiment(experiment) { database, connection in
            let summary = try traffic(connection, units: 600, firstUnit: 40)
            let rows = try connection.execute(
                """
                SELECT a.unit_id, v.name, a.bucket, a.unit_type,
                       a.assigned_at = (SELECT min(e.occurred_at) FROM exp.events e WHERE e.unit_id = a.unit_id)
                           AS first
                FROM exp.assignments a JOIN exp.variants v ON v.id = a.variant_id ORDER BY a.unit_id
                """)
            var expected: [String: (String, Int)] = [:]
            for number in 40..<640 {
                let unit = "unit-\(number)"
                let bucket = Assignment.bucket(salt: "s1", unitID: unit)
                let allocations = [Allocation(buckets: 7_000), Allocation(buckets: 2_000)]
                if let index = Assignment.variantIndex(forBucket: bucket, allocations: allocations) {
                    expected[unit] = (["control", "candidate"][index], bucket)
                }
            }
            #expect(rows.rows.count == expected.count)
            #expect(summary.newlyAssigned == expected.count && summary.outsideAllocations == 600 - expected.count)
            for row in rows.rows.indices {
                let unit = try #require(rows.string(row, "unit_id"))
                #expect(rows.string(row, "name") == expected[unit]?.0, "\(unit)")
                #expect(rows.int(row, "bucket").map(Int.init) == expected[unit]?.1, "\(unit)")
                #expect(rows.string(row, "unit_type") == "user" && rows.bool(row, "first") == true, "\(unit)")
            }
            // Units outside the allocations get no events.
            #expect(
                try count(
                    connection,
                    "SELECT count(DISTINCT unit_id) AS n FROM exp.events") == Int64(expected.count))
        }
    }

    /// The seeds' pitfall: every event names the experiment, the variant the unit holds and that
    /// variant's policy version; plan events carry their metrics and a plan id, no plan.
    @Test func everyEventNamesExperimentVariantAndPolicyVersion() throws {
        try withExperiment { database, connection in
            let summary = try traffic(connection, units: 300)
            #expect(try database.count("exp.events") == Int64(summary.events))
            #expect(summary.plansGenerated > 300 && summary.plansAccepted > 0)
            let misfits = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events e
                LEFT JOIN exp.assignments a ON a.experiment_id = e.experiment_id AND a.unit_id = e.unit_id
                LEFT JOIN exp.variants v ON v.id = e.variant_id
                WHERE a.variant_id IS DISTINCT FROM e.variant_id
                   OR v.policy_version_id IS DISTINCT FROM e.policy_version_id
                   OR e.unit_type <> 'user' OR e.context <> '{"source": "simulate", "traffic": true}'
                   OR NOT e.payload ? 'plan_id' OR e.payload - 'plan_id' <> '{}'
                   OR (e.event_type = 'plan_generated' AND NOT e.metrics ?& array['latency_ms', 'cost_usd',
                       'validator_interventions'])
                   OR (e.event_type = 'plan_accepted' AND e.metrics - 'edit_count' <> '{}')
                   OR e.received_at <> e.occurred_at
                """)
            #expect(misfits == 0)
            // Each accepted plan was generated first, by the same unit, within two hours.
            let orphans = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events a WHERE a.event_type = 'plan_accepted' AND NOT EXISTS (
                    SELECT 1 FROM exp.events g WHERE g.event_type = 'plan_generated' AND g.unit_id = a.unit_id
                      AND g.payload->>'plan_id' = a.payload->>'plan_id' AND g.occurred_at < a.occurred_at
                      AND a.occurred_at <= g.occurred_at + interval '2 hours')
                """)
            #expect(orphans == 0)
            let disorder = try count(
                connection,
                """
                SELECT count(*) AS n FROM (
                    SELECT occurred_at < lag(occurred_at) OVER (ORDER BY id) AS earlier FROM exp.events) AS ordered
                WHERE earlier
                """)
            #expect(disorder == 0)
            // By default the traffic starts when the allocations were written: this phase.
            let early = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.assignments a
                WHERE a.assigned_at < (SELECT max(updated_at) FROM exp.variants)
                """)
            #expect(early == 0)
        }
    }

    /// An allocation change never moves an assigned unit: its row and its new events keep the
    /// variant it had.
    @Test func assignmentsAreStickyAcrossAnAllocationChange() throws {
        let experiment = RunningExperiment()
        try withExperiment(experiment) { database, connection in
            _ = try traffic(connection, units: 500)
            let before = try connection.execute("SELECT unit_id, variant_id FROM exp.assignments ORDER BY unit_id")
            try experiment.allocate("control", "0.9", connection)
            try experiment.allocate("candidate", "0.1", connection)
            let summary = try traffic(connection, units: 1_000, seed: 4)
            #expect(summary.alreadyAssigned == 500 && summary.newlyAssigned == 500)
            #expect(summary.stickyElsewhere > 150, "about 40% of 500 would move to control")
            let after = try connection.execute(
                "SELECT unit_id, variant_id FROM exp.assignments WHERE unit_id = ANY($1) ORDER BY unit_id",
                [.text("{" + (1...500).map { "unit-\($0)" }.joined(separator: ",") + "}")])
            #expect(after.rows == before.rows)
            let moved = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events e JOIN exp.assignments a USING (experiment_id, unit_id)
                WHERE e.variant_id <> a.variant_id
                """)
            #expect(moved == 0)
        }
    }

    /// The same seed writes the same traffic; `--replace` deletes only this experiment's
    /// traffic events, and keeps the assignments.
    @Test func theSameSeedWritesTheSameTrafficAndReplaceDeletesOnlyTraffic() throws {
        try withExperiment { database, connection in
            try RunningExperiment("other_exp").insert(connection)
            try connection.execute(
                """
                INSERT INTO exp.events (event_type, unit_type, unit_id, context, occurred_at)
                VALUES ('plan_generated', 'household', 'h000001', '{"source": "simulate"}', now()),
                       ('page_view', 'user', 'unit-1', '{}', now())
                """)
            let digestSQL = """
                SELECT md5(string_agg(row(e.event_type, e.unit_id, e.variant_id, e.policy_version_id, e.context,
                    e.metrics, e.payload, e.occurred_at)::text, ',' ORDER BY e.id)) AS digest
                FROM exp.events e
                WHERE e.experiment_id = (SELECT id FROM exp.experiments WHERE name = 'planner_policy_exp')
                """
            let first = try traffic(connection, units: 200)
            let otherExperiment = try traffic(connection, units: 50, experiment: "other_exp")
            let digest = try connection.execute(digestSQL).string(0, "digest")
            let again = try traffic(connection, units: 200, replace: true)
            #expect(again.replacedEvents == first.events)
            #expect(again.alreadyAssigned == first.newlyAssigned && again.newlyAssigned == 0)
            #expect(try connection.execute(digestSQL).string(0, "digest") == digest)
            #expect(try database.count("exp.events") == Int64(2 + again.events + otherExperiment.events))
            let other = try traffic(connection, units: 200, seed: 99, replace: true)
            #expect(try connection.execute(digestSQL).string(0, "digest") != digest)
            #expect(other.replacedEvents == first.events)
            #expect(try count(connection, "SELECT count(*) AS n FROM exp.events WHERE experiment_id IS NULL") == 2)
        }
    }

    /// What the online gate reads of the traffic: units per variant, all of this phase, and a
    /// true +20% on acceptance in the candidate's sums.
    @Test func theGateReadsTheUnitsAndTheEffect() throws {
        try withExperiment { database, connection in
            let summary = try traffic(
                connection, units: 4_000, days: 14, effects: ["candidate:plan_acceptance_rate=+0.2"])
            let online = try #require(try ExpStore(connection: connection).observeGates().online["planner_policy_exp"])
            let control = try #require(online.variants["control"])
            let candidate = try #require(online.variants["candidate"])
            #expect(
                control.units == summary.unitsByVariant["control"]
                    && candidate.units == summary.unitsByVariant["candidate"])
            #expect(control.units + candidate.units == 4_000)
            #expect(control.unitsThisPhase == control.units && candidate.unitsThisPhase == candidate.units)
            #expect(control.unitsLastDay > 0 && control.unitsLastDay < control.units / 5)
            func ratio(_ variant: OnlineVariantData, _ metric: String) throws -> Double {
                let sums = try #require(variant.metrics[metric])
                return sums.numeratorSum / sums.denominatorSum
            }
            let lift = try ratio(candidate, "plan_acceptance_rate") / ratio(control, "plan_acceptance_rate") - 1
            #expect(abs(lift - 0.2) < 0.04, "acceptance lift \(lift)")
            #expect(abs(try ratio(control, "plan_acceptance_rate") - 0.6) < 0.02)
            #expect(abs(try ratio(control, "edit_count") - 2) < 0.1)
            #expect(abs(try ratio(candidate, "validator_intervention_rate") - 0.15) < 0.02)
            #expect(abs(try ratio(control, "latency_ms") - 450) < 5)
            #expect(abs(try ratio(candidate, "cost_usd") - 0.004) < 0.0001)
            let generated =
                (control.metrics["plan_acceptance_rate"]?.denominatorSum ?? 0)
                + (candidate.metrics["plan_acceptance_rate"]?.denominatorSum ?? 0)
            #expect(Int(generated) == summary.plansGenerated)
        }
    }

    /// `--drop` removes a share of the variant's new rows after assignment: the gate sees fewer
    /// units there than the allocation says, while their events remain.
    @Test func droppedAssignmentRowsMakeASampleRatioMismatch() throws {
        try withExperiment { database, connection in
            let summary = try traffic(connection, units: 2_000, drops: ["candidate=0.2"])
            let dropped = try #require(summary.droppedByVariant["candidate"])
            let candidate = try #require(summary.unitsByVariant["candidate"])
            #expect(abs(Double(dropped) / Double(candidate) - 0.2) < 0.05)
            #expect(summary.droppedByVariant["control"] == nil)
            let online = try #require(try ExpStore(connection: connection).observeGates().online["planner_policy_exp"])
            #expect(online.variants["candidate"]?.units == candidate - dropped)
            #expect(online.variants["control"]?.units == summary.unitsByVariant["control"])
            #expect(
                try count(connection, "SELECT count(DISTINCT unit_id) AS n FROM exp.events") == 2_000)
        }
    }

    @Test func anExperimentThatIsNotRunningOrAnUnknownVariantIsRefused() throws {
        try withExperiment { database, connection in
            #expect(
                throws: TrafficError.unknownVariant(
                    "treatment", option: "--effect", experiment: "planner_policy_exp",
                    variants: ["control", "candidate"])
            ) {
                _ = try traffic(connection, units: 10, effects: ["treatment:latency_ms=+0.1"])
            }
            #expect(throws: TrafficError.unknownExperiment("nope", running: ["planner_policy_exp"])) {
                _ = try traffic(connection, units: 10, experiment: "nope")
            }
            try connection.execute("UPDATE exp.experiments SET status = 'paused'")
            #expect(throws: TrafficError.notRunning("planner_policy_exp", status: "paused")) {
                _ = try traffic(connection, units: 10)
            }
            #expect(try database.count("exp.assignments") == 0 && database.count("exp.events") == 0)
        }
    }

    /// A world simulate neither counts nor replaces the traffic events.
    @Test func aWorldSimulateLeavesTrafficAlone() throws {
        try withExperiment { database, connection in
            let traffic = try traffic(connection, units: 100)
            let world = SimulatedWorld(SimulationConfig(households: 5, days: 7, seed: 1))
            _ = try SimulationWriter(schema: try DomainSchema("app")).write(world, to: connection)
            let replaced = try SimulationWriter(schema: try DomainSchema("app"), replace: true).write(
                world, to: connection)
            #expect(replaced.replacedEvents == replaced.events)
            #expect(
                try count(connection, "SELECT count(*) AS n FROM exp.events WHERE context ? 'traffic'")
                    == Int64(traffic.events))
        }
    }
}
