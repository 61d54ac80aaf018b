import ExpctlModel
import ExpctlPostgres

/// The rows of each table in COPY column order. Large fields are built in one reused byte
/// buffer; timestamps are RFC 3339 UTC.
final class SimulationRows {
    static let recipeColumns = "recipe_id, name, ingredients, tags, allergens, prep_time, cost_per_serving"
    static let householdColumns = "household_id, size, region, preferences, restrictions"
    static let constraintsColumns = "household_id, budget, max_prep_time, excluded_ingredients"
    static let pantryColumns = "household_id, name, quantity, unit, valid_from, valid_to"
    /// The experiment, variant and policy version ids stay NULL, and `received_at` is the
    /// event's own time, so that a seed always gives the same rows.
    static let eventColumns = "event_type, unit_type, unit_id, context, metrics, payload, occurred_at, received_at"

    private let json: EventJSON
    private var scratch: [UInt8] = []

    init(recipes: [Recipe]) {
        json = EventJSON(recipes: recipes)
        scratch.reserveCapacity(4_096)
    }

    func recipe(_ recipe: Recipe, _ rows: CopyInWriter) throws {
        try rows.append(recipe.id)
        try rows.append(recipe.name)
        try field(rows) { $0.appendJSONArray(recipe.ingredients) }
        try field(rows) { $0.appendJSONArray(recipe.tags) }
        try field(rows) { $0.appendJSONArray(recipe.allergens) }
        rows.append(recipe.prepTime)
        rows.append(recipe.costPerServing)
        try rows.endRow()
    }

    func household(_ household: Household, _ rows: CopyInWriter) throws {
        try rows.append(household.id)
        rows.append(household.size)
        try rows.append(household.region)
        try field(rows) { $0.appendJSONArray(household.preferences) }
        try field(rows) { $0.appendJSONArray(household.restrictions) }
        try rows.endRow()
    }

    func constraints(_ household: Household, _ rows: CopyInWriter) throws {
        try rows.append(household.id)
        rows.append(household.budget)
        rows.append(household.maxPrepTime)
        try field(rows) { $0.appendJSONArray(household.excludedIngredients) }
        try rows.endRow()
    }

    func pantryItem(_ item: PantryItem, of householdID: String, _ rows: CopyInWriter) throws {
        try rows.append(householdID)
        try rows.append(item.name)
        rows.append(item.quantity)
        try rows.append(item.unit)
        try field(rows) { $0.appendRFC3339(item.validFrom) }
        if let validTo = item.validTo { try field(rows) { $0.appendRFC3339(validTo) } } else { rows.appendNull() }
        try rows.endRow()
    }

    /// The `plan_generated` event of `session`.
    func generated(_ session: PlanSession, of householdID: String, _ rows: CopyInWriter) throws {
        try eventStart("plan_generated", session, householdID, rows)
        try field(rows) { json.generatedMetrics(session, to: &$0) }
        try field(rows) { json.generatedPayload(session, to: &$0) }
        try eventEnd(session.generatedAt, rows)
    }

    /// The `plan_accepted` event of `session`.
    func accepted(_ session: PlanSession, _ acceptance: Acceptance, of householdID: String, _ rows: CopyInWriter) throws
    {
        try eventStart("plan_accepted", session, householdID, rows)
        try rows.append("{}")
        try field(rows) { json.acceptedPayload(session, acceptance, to: &$0) }
        try eventEnd(acceptance.acceptedAt, rows)
    }

    private func eventStart(_ type: String, _ session: PlanSession, _ householdID: String, _ rows: CopyInWriter) throws
    {
        try rows.append(type)
        try rows.append("household")
        try rows.append(householdID)
        try field(rows) { json.context(session, to: &$0) }
    }

    private func eventEnd(_ time: Timestamp, _ rows: CopyInWriter) throws {
        try field(rows) { $0.appendRFC3339(time) }
        try field(rows) { $0.appendRFC3339(time) }
        try rows.endRow()
    }

    /// One field built by `build` in the scratch buffer.
    private func field(_ rows: CopyInWriter, _ build: (inout [UInt8]) -> Void) throws {
        scratch.removeAll(keepingCapacity: true)
        build(&scratch)
        try rows.append(utf8: scratch)
    }
}
