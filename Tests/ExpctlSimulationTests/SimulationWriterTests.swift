import ExpctlModel
import ExpctlPostgres
import ExpctlSimulation
import ExpctlStore
import PostgresTestSupport
import Testing

/// A fresh database with the exp schema migrated, and a connection to it.
private func withMigratedDatabase(_ body: (TestDatabase, PostgresConnection) throws -> Void) throws {
    try TestDatabase.with { database in
        let connection = try database.connect()
        try ExpStore(connection: connection).migrate()
        try body(database, connection)
    }
}

private func world(seed: UInt64, households: Int = 30, days: Int = 35) -> SimulatedWorld {
    SimulatedWorld(SimulationConfig(households: households, days: days, seed: seed))
}

private func write(
    _ world: SimulatedWorld, _ connection: PostgresConnection, schema: String = "app", replace: Bool = false
) throws -> SimulationSummary {
    try SimulationWriter(schema: try DomainSchema(schema), replace: replace, chunkSize: 8 * 1024).write(
        world, to: connection)
}

/// An md5 over every simulated row in a fixed order (event ids, assigned by a sequence, left out).
private func contentDigest(_ connection: PostgresConnection, schema: String = "app") throws -> String? {
    try connection.execute(
        """
        SELECT md5(string_agg(line, E'\\n' ORDER BY line COLLATE "C")) AS digest FROM (
            SELECT 'recipe ' || row(r.*)::text FROM \(schema).recipes r
            UNION ALL SELECT 'household ' || row(h.*)::text FROM \(schema).households h
            UNION ALL SELECT 'constraints ' || row(c.*)::text FROM \(schema).constraints c
            UNION ALL SELECT 'pantry ' || row(p.*)::text FROM \(schema).pantry_items p
            UNION ALL SELECT 'event ' || row(e.event_type, e.unit_type, e.unit_id, e.experiment_id, e.variant_id,
                e.policy_version_id, e.context, e.metrics, e.payload, e.occurred_at, e.received_at)::text
                FROM exp.events e
        ) AS lines (line)
        """
    ).string(0, "digest")
}

private func count(_ connection: PostgresConnection, _ sql: String) throws -> Int64? {
    try connection.execute(sql).int(0, "n")
}

@Suite("Writing the simulated world")
struct SimulationWriterTests {
    @Test func theCountsWrittenAreTheWorldsAndTheServers() throws {
        try withMigratedDatabase { database, connection in
            let world = world(seed: 1)
            let summary = try write(world, connection)
            let sessions = (0..<30).flatMap { world.history(ofHousehold: $0).sessions }
            #expect(summary.recipes == world.recipes.count)
            #expect(summary.households == 30 && summary.constraints == 30)
            #expect(summary.plansGenerated == sessions.count)
            #expect(summary.plansAccepted == sessions.count { $0.acceptance != nil })
            #expect(summary.pantryItems == (0..<30).map { world.pantry(of: world.household($0)).count }.reduce(0, +))
            #expect(try database.count("app.recipes") == Int64(summary.recipes))
            #expect(try database.count("app.households") == 30)
            #expect(try database.count("app.constraints") == 30)
            #expect(try database.count("app.pantry_items") == Int64(summary.pantryItems))
            #expect(try database.count("exp.events") == Int64(summary.events))
            let generated = try count(
                connection, "SELECT count(*) AS n FROM exp.events WHERE event_type = 'plan_generated'")
            #expect(generated == Int64(summary.plansGenerated))
            let shaped = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events
                WHERE unit_type = 'household' AND experiment_id IS NULL AND variant_id IS NULL
                    AND policy_version_id IS NULL AND context->>'source' = 'simulate'
                    AND context->>'workflow_type' IN ('plan-first', 'meal-first', 'pantry-first')
                    AND jsonb_array_length(payload->'plan'->'meals') = 7 AND payload ? 'plan_id'
                """)
            #expect(shaped == Int64(summary.events))
            let metrics = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events WHERE event_type = 'plan_generated'
                    AND jsonb_typeof(metrics->'latency_ms') = 'number' AND jsonb_typeof(metrics->'cost_usd') = 'number'
                    AND context->>'policy_version_id' = 'planner_policy@1'
                """)
            #expect(metrics == Int64(summary.plansGenerated))
            // What the writer wrote for a household is what the world says it did.
            let written = try connection.execute(
                """
                SELECT payload->>'plan_id' AS id FROM exp.events
                WHERE unit_id = 'h000004' AND event_type = 'plan_generated' ORDER BY occurred_at
                """)
            #expect(
                written.rows.indices.map { written.string($0, "id") }
                    == world.history(ofHousehold: 3).sessions.map(\.planID))
        }
    }

    /// Events are written as a stream would have recorded them: ids follow time.
    @Test func eventsAreWrittenInTimeOrder() throws {
        try withMigratedDatabase { database, connection in
            _ = try write(world(seed: 8, households: 40), connection)
            let disorder = try count(
                connection,
                """
                SELECT count(*) AS n FROM (
                    SELECT occurred_at < lag(occurred_at) OVER (ORDER BY id) AS earlier FROM exp.events) AS ordered
                WHERE earlier
                """)
            #expect(disorder == 0)
        }
    }

    /// The same seed writes the same rows; another seed other rows.
    @Test func theSameSeedWritesTheSameContent() throws {
        try withMigratedDatabase { database, connection in
            _ = try write(world(seed: 5), connection)
            let first = try #require(try contentDigest(connection))
            _ = try write(world(seed: 5), connection, replace: true)
            #expect(try contentDigest(connection) == first)
            _ = try write(world(seed: 6), connection, replace: true)
            #expect(try contentDigest(connection) != first)
            try TestDatabase.with { other in
                let otherConnection = try other.connect()
                try ExpStore(connection: otherConnection).migrate()
                _ = try write(world(seed: 5), otherConnection)
                #expect(try contentDigest(otherConnection) == first)
            }
        }
    }

    /// Every accepted plan has its generated plan: same plan id, same household, later.
    @Test func everyAcceptedEventJoinsAGeneratedOne() throws {
        try withMigratedDatabase { database, connection in
            let summary = try write(world(seed: 2), connection)
            let joined = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events a JOIN exp.events g
                    ON g.payload->>'plan_id' = a.payload->>'plan_id' AND g.event_type = 'plan_generated'
                WHERE a.event_type = 'plan_accepted' AND g.unit_id = a.unit_id AND g.occurred_at < a.occurred_at
                    AND g.context = a.context
                """)
            #expect(joined == Int64(summary.plansAccepted))
            let distinct = try count(
                connection,
                """
                SELECT count(DISTINCT (event_type, payload->>'plan_id')) AS n FROM exp.events
                """)
            #expect(distinct == Int64(summary.events))
            let ratio = Double(summary.plansAccepted) / Double(summary.plansGenerated)
            #expect(ratio > 0.7 && ratio < 0.9)
        }
    }

    /// Applying the stored edits to the stored generated plan gives the stored accepted plan.
    @Test func editsTurnTheGeneratedPlanIntoTheAcceptedPlan() throws {
        try withMigratedDatabase { database, connection in
            _ = try write(world(seed: 3), connection)
            let pairs = try connection.execute(
                """
                SELECT g.payload->'plan'->>'meals' AS generated, a.payload->'plan'->>'meals' AS accepted,
                    a.payload->>'edits' AS edits
                FROM exp.events a JOIN exp.events g
                    ON g.payload->>'plan_id' = a.payload->>'plan_id' AND g.event_type = 'plan_generated'
                WHERE a.event_type = 'plan_accepted'
                """)
            #expect(pairs.rows.count > 100)
            var editCount = 0
            for row in pairs.rows.indices {
                guard case .array(var meals)? = JSONValue(parsing: pairs.string(row, "generated") ?? ""),
                    case .array(let accepted)? = JSONValue(parsing: pairs.string(row, "accepted") ?? ""),
                    case .array(let edits)? = JSONValue(parsing: pairs.string(row, "edits") ?? "")
                else {
                    Issue.record("row \(row) is not a plan pair")
                    continue
                }
                for edit in edits {
                    guard case .object(let fields) = edit, case .string(let day)? = fields["day"],
                        let index = meals.firstIndex(where: { meal in
                            if case .object(let meal) = meal {
                                return meal["day"] == .string(day)
                            } else {
                                return false
                            }
                        }),
                        case .object(var meal) = meals[index]
                    else {
                        Issue.record("edit \(edit) names no day of the plan")
                        continue
                    }
                    switch fields["type"] {
                    case .string("swap_meal"):
                        #expect(meal["recipe_id"] == fields["from"])
                        meal["recipe_id"] = fields["to"]
                    case .string("adjust_servings"): meal["servings"] = fields["servings"]
                    default: Issue.record("unknown edit \(edit)")
                    }
                    meals[index] = .object(meal)
                    editCount += 1
                }
                #expect(meals == accepted)
            }
            #expect(editCount > pairs.rows.count / 2)
        }
    }

    @Test func noAcceptedPlanBreaksTheHouseholdsRestrictionsOrExclusions() throws {
        try withMigratedDatabase { database, connection in
            let summary = try write(world(seed: 4, households: 80), connection)
            func acceptedMeals(where condition: String) throws -> Int64? {
                try count(
                    connection,
                    """
                    SELECT count(*) AS n FROM exp.events e
                    JOIN app.households h ON h.household_id = e.unit_id
                    JOIN app.constraints c ON c.household_id = e.unit_id
                    CROSS JOIN LATERAL jsonb_array_elements(e.payload->'plan'->'meals') AS m (meal)
                    JOIN app.recipes r ON r.recipe_id = m.meal->>'recipe_id'
                    WHERE e.event_type = 'plan_accepted' AND \(condition)
                    """)
            }
            #expect(try acceptedMeals(where: "true") == Int64(summary.plansAccepted * 7))
            let restricted = try acceptedMeals(
                where: """
                    EXISTS (SELECT 1 FROM jsonb_array_elements_text(h.restrictions) AS x (restriction)
                        WHERE r.allergens ? regexp_replace(x.restriction, '-(allergy|free)$', ''))
                    """)
            #expect(restricted == 0)
            let excluded = try acceptedMeals(
                where: "r.ingredients ?| ARRAY(SELECT jsonb_array_elements_text(c.excluded_ingredients))")
            #expect(excluded == 0)
            // The check can fail: households do have restrictions and exclusions.
            #expect(
                try count(connection, "SELECT count(*) AS n FROM app.households WHERE restrictions <> '[]'") ?? 0 > 5)
            #expect(
                try count(connection, "SELECT count(*) AS n FROM app.constraints WHERE excluded_ingredients <> '[]'")
                    ?? 0 > 5)
        }
    }

    /// The pantry at an event's time is not the pantry of a later event, nor today's.
    @Test func thePantryHasAHistory() throws {
        try withMigratedDatabase { database, connection in
            _ = try write(world(seed: 5), connection)
            let heldThenGone = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events e1
                JOIN exp.events e2 ON e2.unit_id = e1.unit_id AND e2.occurred_at > e1.occurred_at
                JOIN app.pantry_items p ON p.household_id = e1.unit_id
                WHERE e1.event_type = 'plan_generated' AND e2.event_type = 'plan_generated'
                    AND p.valid_from <= e1.occurred_at AND (p.valid_to IS NULL OR p.valid_to > e1.occurred_at)
                    AND NOT (p.valid_from <= e2.occurred_at AND (p.valid_to IS NULL OR p.valid_to > e2.occurred_at))
                """)
            #expect(heldThenGone ?? 0 > 0)
            let heldThenNotToday = try count(
                connection,
                """
                SELECT count(*) AS n FROM exp.events e JOIN app.pantry_items p ON p.household_id = e.unit_id
                WHERE p.valid_from <= e.occurred_at AND p.valid_to > e.occurred_at
                """)
            #expect(heldThenNotToday ?? 0 > 0)
            let addedLater = try count(
                connection,
                """
                SELECT count(*) AS n FROM app.pantry_items WHERE valid_from > '2025-01-01T00:00:00Z'
                """)
            #expect(addedLater ?? 0 > 0)
        }
    }

    /// Without replace, data already there is refused and nothing changes; with it, the old
    /// simulated rows and events go and others stay.
    @Test func existingDataIsRefusedUnlessReplaced() throws {
        try withMigratedDatabase { database, connection in
            try connection.execute(
                """
                INSERT INTO exp.events (event_type, unit_type, unit_id, occurred_at)
                VALUES ('page_view', 'user', 'u1', '2025-01-01T00:00:00Z')
                """)
            let first = try write(world(seed: 1), connection)
            let digest = try contentDigest(connection)
            let refused = try #require(throws: SimulationError.self) { try write(world(seed: 2), connection) }
            #expect(
                refused
                    == .notEmpty(
                        schema: "app", tablesWithRows: ["recipes", "households", "constraints", "pantry_items"],
                        simulatedEvents: first.events))
            #expect(refused.description.hasSuffix("; pass --replace to replace them"))
            #expect(try contentDigest(connection) == digest)

            let second = try write(world(seed: 2, households: 12), connection, replace: true)
            #expect(second.replacedEvents == first.events)
            #expect(try database.count("app.households") == 12)
            #expect(try database.count("exp.events") == Int64(second.events + 1))
            #expect(try count(connection, "SELECT count(*) AS n FROM exp.events WHERE event_type = 'page_view'") == 1)
        }
    }

    /// Events alone are enough to refuse: a schema emptied by hand still has simulated events.
    @Test func simulatedEventsAloneAreRefused() throws {
        try withMigratedDatabase { database, connection in
            let first = try write(world(seed: 1), connection)
            try connection.execute("TRUNCATE app.recipes, app.households, app.constraints, app.pantry_items")
            let refused = try #require(throws: SimulationError.self) { try write(world(seed: 1), connection) }
            #expect(refused == .notEmpty(schema: "app", tablesWithRows: [], simulatedEvents: first.events))
            #expect(
                refused.description
                    == "nothing written: exp.events holds \(first.events) simulated events;"
                    + " pass --replace to replace them"
            )
        }
    }

    /// A write that fails part way (here the events, after the domain tables) leaves nothing,
    /// not even the tables it created; a failed replace keeps the old data.
    @Test func aFailedWriteLeavesNothing() throws {
        try withMigratedDatabase { database, connection in
            try connection.execute("ALTER TABLE exp.events ADD CONSTRAINT not_h000021 CHECK (unit_id <> 'h000021')")
            let error = try #require(throws: PostgresError.self) { try write(world(seed: 1), connection) }
            #expect(error.sqlState == "23514")
            #expect(
                try connection.execute("SELECT to_regclass('app.households') IS NULL AS gone").bool(0, "gone") == true)
            #expect(try database.count("exp.events") == 0)

            _ = try write(world(seed: 1, households: 20), connection)
            let digest = try contentDigest(connection)
            #expect(throws: PostgresError.self) { try write(world(seed: 2), connection, replace: true) }
            #expect(try contentDigest(connection) == digest)
        }
    }

    @Test func withoutTheExpSchemaNothingIsWritten() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            #expect(throws: SimulationError.eventsTableMissing) { try write(world(seed: 1), connection) }
            #expect(try connection.execute("SELECT to_regnamespace('app') IS NULL AS gone").bool(0, "gone") == true)
        }
    }

    @Test func anotherSchemaCanHoldTheWorld() throws {
        try withMigratedDatabase { database, connection in
            let summary = try write(world(seed: 1, households: 5), connection, schema: "lab_1")
            #expect(try database.count("lab_1.households") == 5)
            #expect(try database.count("lab_1.recipes") == Int64(summary.recipes))
            let index = try connection.execute(
                """
                SELECT indexdef FROM pg_indexes WHERE schemaname = 'lab_1' AND indexname = 'pantry_items_household_time'
                """)
            #expect(index.string(0, "indexdef")?.hasSuffix("(household_id, valid_from)") == true)
        }
    }

    @Test func schemaNamesAreCheckedBeforeAnythingRuns() {
        for name in [
            "App", "", "exp", "pg_temp", "1abc", "a-b", "a\"b", "information_schema", String(repeating: "a", count: 64),
        ] {
            #expect(throws: SimulationError.invalidSchema(name)) { try DomainSchema(name) }
        }
        #expect(throws: Never.self) { try DomainSchema("app_2") }
    }
}
