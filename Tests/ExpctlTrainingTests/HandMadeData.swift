import ExpctlTraining

/// A small catalogue and row whose scores can be worked out by hand (see `ScorerTests`).
enum HandMade {
    static func recipe(
        _ id: String, _ ingredients: [String], _ tags: [String], _ allergens: [String] = [], prep: Int, cost: Double
    ) -> Recipe {
        Recipe(
            recipeID: id, name: id, ingredients: ingredients, tags: tags, allergens: allergens, prepTime: prep,
            costPerServing: cost)
    }

    static let recipes = [
        recipe("r1", ["rice", "beans"], ["mexican", "vegetarian"], prep: 20, cost: 2.0),
        recipe("r2", ["pasta", "cheese"], ["italian", "vegetarian"], ["gluten", "dairy"], prep: 30, cost: 3.0),
        recipe("r3", ["chicken", "rice"], ["asian"], prep: 40, cost: 4.0),
        recipe("r4", ["peanuts", "noodles"], ["asian", "spicy"], ["nut"], prep: 25, cost: 3.5),
        recipe("r5", ["shrimp", "rice"], ["asian"], ["shellfish"], prep: 50, cost: 6.0),
        recipe("r6", ["tomatoes", "basil"], ["italian"], prep: 15, cost: 1.5),
        recipe("r7", ["beef", "potatoes"], ["american", "comfort"], prep: 60, cost: 5.0),
        recipe("r8", ["lentils", "rice"], ["indian", "vegetarian"], prep: 35, cost: 2.5),
    ]

    static let catalog = try! RecipeCatalog(recipes: recipes)

    static func plan(_ meals: [(Weekday, String, Int)]) -> WeeklyPlan {
        WeeklyPlan(meals: meals.map { Meal(day: $0.0, recipeID: $0.1, servings: $0.2) })
    }

    /// Two people, a nut allergy, no shrimp, 45 minutes, 60 a week; rice and tomatoes in the
    /// pantry (and saffron, which no recipe uses, and basil with nothing left).
    static let input = PlanningInput(
        household: Household(
            id: "h1", size: 2, region: "north", preferences: ["vegetarian"], restrictions: ["nut-allergy"]),
        pantry: [
            PantryItem(name: "rice", quantity: 1, unit: "kg"), PantryItem(name: "tomatoes", quantity: 2, unit: "count"),
            PantryItem(name: "saffron", quantity: 0.1, unit: "g"),
            PantryItem(name: "basil", quantity: 0, unit: "bunch"),
        ],
        constraints: PlanConstraints(budget: 60, maxPrepTime: 45, excludedIngredients: ["shrimp"]),
        workflowType: .planFirst, mode: .autopilot, previousPlan: nil)

    static let accepted = plan([(.monday, "r1", 2), (.tuesday, "r3", 2), (.wednesday, "r6", 2), (.thursday, "r8", 2)])

    static let row = DatasetRow(
        rowID: "plan-1", split: .validation, input: input,
        target: PlanTarget(acceptedPlan: accepted, userEdits: [.swapMeal(day: .tuesday, from: "r2", to: "r3")]),
        metadata: RowMetadata(
            timestamp: "2025-01-03T10:00:00Z", policyVersionID: nil, region: "north", householdSize: 2))
}
