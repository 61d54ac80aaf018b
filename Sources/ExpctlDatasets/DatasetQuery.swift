import ExpctlModel
import ExpctlPostgres

/// The one query a dataset build streams (docs/datasets.md): each `plan_generated` event in the
/// declaration's window joined to its `plan_accepted` event by plan id, with the household,
/// its pantry at the event's time, its constraints and its previous accepted plan, each row's
/// input, target and metadata assembled as JSON by PostgreSQL.
///
/// Only acceptances that carry the accepted plan count: the target is that plan, and online
/// traffic (`expctl simulate --experiment`, or an ingestion that logs metrics alone) records
/// acceptances with a plan id and no plan, which must neither make a row nor stand in for the
/// acceptance that has one.
///
/// COPY takes no parameters, so the window and the schema are quoted literals here.
enum DatasetQuery {
    /// The columns of each line, in order.
    enum Column: Int, CaseIterable {
        case rowID, householdID, occurredAtMicros, workflowType, mode, policyVersionID, region, householdSize
        case input, target, metadata
    }

    /// The SELECT whose rows are the dataset's, ordered by generated time then plan id.
    static func select(_ dataset: DatasetConfig) throws -> String {
        guard let schema = PostgresLiteral.identifier(dataset.domainSchema),
            let since = PostgresLiteral.string(dataset.since.description),
            let until = PostgresLiteral.string(dataset.until.description)
        else { throw DatasetBuildError.invalidDeclaration("the domain schema or window holds a NUL character") }
        return """
            WITH generated AS (
                SELECT g.id, g.unit_id, g.occurred_at, g.context, g.payload->>'plan_id' AS plan_id,
                       coalesce(g.policy_version_id::text, g.context->>'policy_version_id') AS policy_version_id
                FROM exp.events g
                WHERE g.event_type = 'plan_generated'
                  AND g.occurred_at >= \(since)::timestamptz AND g.occurred_at < \(until)::timestamptz
                  AND g.payload ? 'plan_id'
            ), accepted AS (
                SELECT DISTINCT ON (a.payload->>'plan_id') a.payload->>'plan_id' AS plan_id, a.unit_id, a.payload
                FROM exp.events a
                WHERE a.event_type = 'plan_accepted' AND a.occurred_at >= \(since)::timestamptz
                  AND a.payload ? 'plan'
                ORDER BY a.payload->>'plan_id', a.occurred_at, a.id
            ), plans AS (
                SELECT g.*, a.payload AS accepted,
                       lag(a.payload->'plan') OVER (PARTITION BY g.unit_id ORDER BY g.occurred_at, g.plan_id)
                           AS previous_plan
                FROM generated g
                JOIN accepted a ON a.plan_id = g.plan_id AND a.unit_id = g.unit_id
            )
            SELECT p.plan_id, p.unit_id,
                   (extract(epoch FROM p.occurred_at) * 1000000)::bigint,
                   p.context->>'workflow_type', p.context->>'mode', p.policy_version_id, h.region, h.size,
                   jsonb_build_object(
                       'household', jsonb_build_object(
                           'id', h.household_id, 'size', h.size, 'region', h.region,
                           'preferences', coalesce(h.preferences, '[]'), 'restrictions', coalesce(h.restrictions, '[]')),
                       'pantry', jsonb_build_object('items', coalesce(pantry.items, '[]')),
                       'constraints', jsonb_build_object(
                           'budget', c.budget, 'max_prep_time', c.max_prep_time,
                           'excluded_ingredients', coalesce(c.excluded_ingredients, '[]')),
                       'workflow_type', p.context->>'workflow_type',
                       'mode', p.context->>'mode',
                       'previous_plan', p.previous_plan),
                   jsonb_build_object(
                       'accepted_plan', p.accepted->'plan',
                       'user_edits', coalesce(p.accepted->'edits', '[]')),
                   jsonb_build_object(
                       'timestamp', to_char(p.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'policy_version_id', p.policy_version_id,
                       'region', h.region,
                       'household_size', h.size)
            FROM plans p
            JOIN \(schema).households h ON h.household_id = p.unit_id
            JOIN \(schema).constraints c ON c.household_id = p.unit_id
            LEFT JOIN LATERAL (
                SELECT jsonb_agg(
                           jsonb_build_object('name', i.name, 'quantity', i.quantity, 'unit', i.unit)
                           ORDER BY i.name, i.valid_from, i.unit) AS items
                FROM \(schema).pantry_items i
                WHERE i.household_id = p.unit_id AND i.valid_from <= p.occurred_at
                  AND (i.valid_to IS NULL OR i.valid_to > p.occurred_at)
            ) pantry ON true
            ORDER BY p.occurred_at, p.plan_id
            """
    }

    /// The recipe catalogue, one JSON object per line, by recipe id.
    static func recipes(_ dataset: DatasetConfig) throws -> String {
        guard let schema = PostgresLiteral.identifier(dataset.domainSchema) else {
            throw DatasetBuildError.invalidDeclaration("the domain schema holds a NUL character")
        }
        return """
            SELECT jsonb_build_object(
                       'recipe_id', r.recipe_id, 'name', r.name, 'ingredients', coalesce(r.ingredients, '[]'),
                       'tags', coalesce(r.tags, '[]'), 'allergens', coalesce(r.allergens, '[]'),
                       'prep_time', r.prep_time, 'cost_per_serving', r.cost_per_serving)
            FROM \(schema).recipes r
            ORDER BY r.recipe_id
            """
    }

    /// How many generated plans fall in the window: the denominator of the progress bar.
    static func plansInWindow(_ dataset: DatasetConfig) -> (sql: String, parameters: [PostgresValue]) {
        (
            """
            SELECT count(*) AS n FROM exp.events
            WHERE event_type = 'plan_generated' AND occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz
            """,
            [.text(dataset.since.description), .text(dataset.until.description)]
        )
    }
}
