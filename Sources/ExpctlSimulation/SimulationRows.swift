import ExpctlPostgres

/// The rows of each table in COPY column order. Timestamps are written as RFC 3339 UTC.
enum SimulationRows {
    static let recipeColumns = "recipe_id, name, ingredients, tags, allergens, prep_time, cost_per_serving"
    static let householdColumns = "household_id, size, region, preferences, restrictions"
    static let constraintsColumns = "household_id, budget, max_prep_time, excluded_ingredients"
    static let pantryColumns = "household_id, name, quantity, unit, valid_from, valid_to"

    static func recipe(_ recipe: Recipe, _ rows: CopyInWriter) throws {
        try rows.append(recipe.id)
        try rows.append(recipe.name)
        try rows.append(EventDocuments.array(recipe.ingredients))
        try rows.append(EventDocuments.array(recipe.tags))
        try rows.append(EventDocuments.array(recipe.allergens))
        rows.append(recipe.prepTime)
        rows.append(recipe.costPerServing)
        try rows.endRow()
    }

    static func household(_ household: Household, _ rows: CopyInWriter) throws {
        try rows.append(household.id)
        rows.append(household.size)
        try rows.append(household.region)
        try rows.append(EventDocuments.array(household.preferences))
        try rows.append(EventDocuments.array(household.restrictions))
        try rows.endRow()
    }

    static func constraints(_ household: Household, _ rows: CopyInWriter) throws {
        try rows.append(household.id)
        rows.append(household.budget)
        rows.append(household.maxPrepTime)
        try rows.append(EventDocuments.array(household.excludedIngredients))
        try rows.endRow()
    }

    static func pantryItem(_ item: PantryItem, of household: Household, _ rows: CopyInWriter) throws {
        try rows.append(household.id)
        try rows.append(item.name)
        rows.append(item.quantity)
        try rows.append(item.unit)
        try rows.append(item.validFrom.description)
        if let validTo = item.validTo { try rows.append(validTo.description) } else { rows.appendNull() }
        try rows.endRow()
    }

    /// The columns of `exp.events` simulate fills; the experiment, variant and policy version
    /// ids stay NULL, and `received_at` is the event's own time, so that a seed always gives
    /// the same rows.
    static let eventColumns = "event_type, unit_type, unit_id, context, metrics, payload, occurred_at, received_at"

    /// The `plan_generated` event of `session`, and its `plan_accepted` event if it was accepted.
    static func events(of session: PlanSession, household: Household, recipes: [Recipe], _ rows: CopyInWriter) throws {
        let context = EventDocuments.context(session)
        let generatedAt = session.generatedAt.description
        try event(
            "plan_generated", household: household, context: context, metrics: EventDocuments.generatedMetrics(session),
            payload: EventDocuments.generatedPayload(session, recipes: recipes), at: generatedAt, rows)
        guard let acceptance = session.acceptance else { return }
        try event(
            "plan_accepted", household: household, context: context, metrics: "{}",
            payload: EventDocuments.acceptedPayload(session, acceptance, recipes: recipes),
            at: acceptance.acceptedAt.description, rows)
    }

    private static func event(
        _ type: String, household: Household, context: String, metrics: String, payload: String, at time: String,
        _ rows: CopyInWriter
    ) throws {
        try rows.append(type)
        try rows.append("household")
        try rows.append(household.id)
        try rows.append(context)
        try rows.append(metrics)
        try rows.append(payload)
        try rows.append(time)
        try rows.append(time)
        try rows.endRow()
    }
}
