public import ExpctlModel

/// Rows, recipes, plans and predictions as JSON (canonical text: sorted keys, compact), the
/// shapes the decoders read.
extension WeeklyPlan {
    public var json: JSONValue {
        .object([
            "meals": .array(
                meals.map {
                    .object([
                        "day": .string($0.day.name), "recipe_id": .string($0.recipeID),
                        "servings": .integer(Int64($0.servings)),
                    ])
                })
        ])
    }
}

extension UserEdit {
    public var json: JSONValue {
        switch self {
        case .swapMeal(let day, let from, let to):
            .object(["type": .string("swap_meal"), "day": .string(day.name), "from": .string(from), "to": .string(to)])
        case .adjustServings(let day, let servings):
            .object([
                "type": .string("adjust_servings"), "day": .string(day.name), "servings": .integer(Int64(servings)),
            ])
        }
    }
}

extension PlanningInput {
    public var json: JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        return .object([
            "household": .object([
                "id": .string(household.id), "size": .integer(Int64(household.size)),
                "region": .string(household.region),
                "preferences": strings(household.preferences), "restrictions": strings(household.restrictions),
            ]),
            "pantry": .object([
                "items": .array(
                    pantry.map {
                        .object(["name": .string($0.name), "quantity": .double($0.quantity), "unit": .string($0.unit)])
                    })
            ]),
            "constraints": .object([
                "budget": .double(constraints.budget), "max_prep_time": .integer(Int64(constraints.maxPrepTime)),
                "excluded_ingredients": strings(constraints.excludedIngredients),
            ]),
            "workflow_type": .string(workflowType.rawValue),
            "mode": mode.map { .string($0.rawValue) } ?? .null,
            "previous_plan": previousPlan?.json ?? .null,
        ])
    }
}

extension DatasetRow {
    /// The row as one line of `data.jsonl`.
    public var json: JSONValue {
        .object([
            "row_id": .string(rowID), "split": .string(split.rawValue), "input": input.json,
            "target": .object([
                "accepted_plan": target.acceptedPlan.json, "user_edits": .array(target.userEdits.map(\.json)),
            ]),
            "metadata": .object([
                "timestamp": .string(metadata.timestamp),
                "policy_version_id": metadata.policyVersionID.map(JSONValue.string) ?? .null,
                "region": .string(metadata.region), "household_size": .integer(Int64(metadata.householdSize)),
            ]),
        ])
    }
}

extension Recipe {
    /// The recipe as one line of `recipes.jsonl`.
    public var json: JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        return .object([
            "recipe_id": .string(recipeID), "name": .string(name), "ingredients": strings(ingredients),
            "tags": strings(tags), "allergens": strings(allergens), "prep_time": .integer(Int64(prepTime)),
            "cost_per_serving": .double(costPerServing),
        ])
    }
}

/// One line of a predictions file: `{"plan": {"meals": [...]}, "row_id": "..."}`.
public enum PredictionLine {
    public static func json(rowID: String, plan: WeeklyPlan) -> JSONValue {
        .object(["row_id": .string(rowID), "plan": plan.json])
    }
}
