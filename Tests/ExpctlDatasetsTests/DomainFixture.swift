import ExpctlPostgres
import ExpctlStore
import Foundation

/// A small meal-planner world written by hand, in the relations docs/datasets.md names: two
/// households, a pantry that changes, four recipes, and plan events around a window.
enum DomainFixture {
    static let schema = """
        CREATE SCHEMA app;
        CREATE TABLE app.households (household_id text PRIMARY KEY, size integer, region text, preferences jsonb,
                                     restrictions jsonb);
        CREATE TABLE app.pantry_items (household_id text, name text, quantity double precision, unit text,
                                       valid_from timestamptz, valid_to timestamptz);
        CREATE TABLE app.constraints (household_id text PRIMARY KEY, budget double precision, max_prep_time integer,
                                      excluded_ingredients jsonb);
        CREATE TABLE app.recipes (recipe_id text PRIMARY KEY, name text, ingredients jsonb, tags jsonb, allergens jsonb,
                                  prep_time integer, cost_per_serving double precision)
        """

    static let rows = """
        INSERT INTO app.households VALUES
            ('h1', 4, 'north', '["vegetarian"]', '["nut-allergy"]'),
            ('h2', 2, 'south', '[]', '[]');
        INSERT INTO app.pantry_items VALUES
            ('h1', 'rice', 2, 'kg', '2025-01-01T00:00:00Z', '2025-01-05T00:00:00Z'),
            ('h1', 'beans', 1, 'kg', '2025-01-04T00:00:00Z', NULL),
            ('h2', 'tomatoes', 6, 'count', '2024-12-01T00:00:00Z', NULL);
        INSERT INTO app.constraints VALUES ('h1', 150, 45, '["shellfish"]'), ('h2', 80.5, 30, '[]');
        INSERT INTO app.recipes VALUES
            ('r1', 'Rice bowl', '["rice", "beans"]', '["vegetarian"]', '[]', 20, 3.5),
            ('r2', 'Pasta "al forno"', '["pasta", "tomatoes"]', '["comfort"]', '["gluten"]', 40, 4),
            ('r3', 'Satay', '["chicken", "peanuts"]', '["spicy"]', '["nut"]', 30, 5),
            ('r4', 'Soup\\twith tab', '["tomatoes"]', '[]', '[]', 15, 2)
        """

    /// A plan event: `plan_generated` or `plan_accepted` of plan `plan` for `household` at `time`.
    static func event(
        _ type: String, _ plan: String, _ household: String, _ time: String, meals: [String],
        workflow: String = "plan-first", edits: String = "[]"
    ) -> String {
        let mealsJSON = meals.enumerated().map {
            #"{"day": "\#(days[$0.offset])", "recipe_id": "\#($0.element)", "servings": 4}"#
        }
        .joined(separator: ", ")
        let payload =
            type == "plan_accepted"
            ? #"{"plan_id": "\#(plan)", "plan": {"meals": [\#(mealsJSON)]}, "edits": \#(edits)}"#
            : #"{"plan_id": "\#(plan)", "plan": {"meals": [\#(mealsJSON)]}}"#
        return """
            INSERT INTO exp.events (event_type, unit_type, unit_id, context, metrics, payload, occurred_at)
            VALUES ('\(type)', 'household', '\(household)',
                    '{"workflow_type": "\(workflow)", "mode": "autopilot", "policy_version_id": "planner_policy@1"}',
                    '{"latency_ms": 450}', '\(payload)', '\(time)')
            """
    }

    static let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Creates the world in `connection`'s database (the exp schema migrated first).
    static func create(on connection: PostgresConnection) throws {
        _ = try ExpStore(connection: connection).migrate()
        for statement in (schema + ";\n" + rows).components(separatedBy: ";\n") { try connection.execute(statement) }
        let events = [
            // Before the window: no row, and not p1's previous plan either (the window bounds both).
            event("plan_generated", "p0", "h1", "2024-12-30T10:00:00Z", meals: ["r1"]),
            event("plan_accepted", "p0", "h1", "2024-12-30T10:05:00Z", meals: ["r1"]),
            event("plan_generated", "p1", "h1", "2025-01-03T10:00:00Z", meals: ["r1", "r2"]),
            event(
                "plan_accepted", "p1", "h1", "2025-01-03T10:07:00Z", meals: ["r1", "r4"],
                edits: #"[{"type": "swap_meal", "day": "tuesday", "from": "r2", "to": "r4"}]"#),
            event("plan_generated", "p2", "h2", "2025-01-04T09:00:00Z", meals: ["r2"], workflow: "pantry-first"),
            // Generated but never accepted: no row.
            event("plan_generated", "p3", "h2", "2025-01-05T09:00:00Z", meals: ["r4"]),
            event("plan_accepted", "p2", "h2", "2025-01-04T09:30:00Z", meals: ["r2"]),
            event("plan_generated", "p4", "h1", "2025-01-06T10:00:00Z", meals: ["r4"], workflow: "meal-first"),
            event("plan_accepted", "p4", "h1", "2025-01-06T10:01:00Z", meals: ["r4"]),
            // After the window.
            event("plan_generated", "p5", "h1", "2025-01-12T10:00:00Z", meals: ["r1"]),
            event("plan_accepted", "p5", "h1", "2025-01-12T10:01:00Z", meals: ["r1"]),
        ]
        for statement in events { try connection.execute(statement) }
    }
}
