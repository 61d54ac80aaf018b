import ExpctlModel
import ExpctlTraining
import Testing

/// The reference policy: seven meals that keep every rule, or fewer when no plan can.
@Suite("The reference policy")
struct PolicyTests {
    /// A model that knows nothing: every recipe equally likely (no accepted meal is in the
    /// catalogue, and there are no steps).
    static func untrained(_ catalog: RecipeCatalog, pantryBonus: Double = 0.5) throws -> ReferenceModel {
        var row = HandMade.row
        row.split = .train
        row.target.acceptedPlan = HandMade.plan([(.monday, "unknown", 2)])
        let config = ReferenceTrainingConfig(
            baseModel: "none", datasetVersion: "none",
            hyperparameters: ReferenceHyperparameters(epochs: 0, pantryBonus: pantryBonus))
        return try ReferenceTrainer(config: config).train(rows: [row], catalog: catalog).model
    }

    static func recipe(_ index: Int, cost: Double, ingredients: [String] = ["water"], prep: Int = 10) -> Recipe {
        Recipe(
            recipeID: "r" + SyntheticPlanner.padded(index, 2), name: "", ingredients: ingredients, tags: [],
            allergens: [], prepTime: prep, costPerServing: cost)
    }

    static func input(size: Int = 1, budget: Double, pantry: [String] = [], maxPrepTime: Int = 60) -> PlanningInput {
        PlanningInput(
            household: Household(id: "h", size: size, region: "north"),
            pantry: pantry.map { PantryItem(name: $0, quantity: 1, unit: "kg") },
            constraints: PlanConstraints(budget: budget, maxPrepTime: maxPrepTime), workflowType: .planFirst)
    }

    @Test func neverBreaksAConstraintOnRandomInputs() throws {
        var random = TestRandom(seed: 42)
        let world = SyntheticPlanner(seed: 3, recipeCount: 40)
        let model = try Self.untrained(world.catalog)
        let scorer = OfflineScorer(catalog: world.catalog)
        let trained = try ReferenceTrainer(config: TrainingTests.config(epochs: 1))
            .train(rows: world.rows(count: 300, seed: 5), catalog: world.catalog).model
        var fullWeeks = 0
        for (index, var row) in world.rows(count: 1_500, seed: 6).enumerated() {
            // Tight budgets, short prep times, several restrictions and exclusions.
            row.input.constraints.budget = Double(random.below(400)) / 4
            row.input.constraints.maxPrepTime = 5 * random.below(16)
            row.input.household.restrictions = (0..<random.below(3)).map { _ in
                SyntheticPlanner.restrictionChoices[random.below(4)]
            }
            row.input.constraints.excludedIngredients = (0..<random.below(4)).map { _ in
                world.ingredientNames[random.below(world.ingredientNames.count)]
            }
            for policy in [model, trained] {
                let plan = policy.plan(for: row.input)
                let scores = scorer.score(plan, for: row)
                #expect(scores.violations.isEmpty, "row \(index): \(scores.violations)")
                #expect(Set(plan.meals.map(\.day)).count == plan.meals.count)
                #expect(plan.meals.allSatisfy { $0.servings == row.input.household.size })
                let admissible = world.recipes.filter { recipe in
                    recipe.prepTime <= row.input.constraints.maxPrepTime
                        && !recipe.allergens.contains {
                            row.input.household.restrictions.map(Restriction.allergen).contains($0)
                        }
                        && !recipe.ingredients.contains { row.input.constraints.excludedIngredients.contains($0) }
                }
                // Seven meals whenever seven of the cheapest would fit the budget.
                if let cheapest = admissible.map(\.costPerServing).min(),
                    7 * cheapest * Double(row.input.household.size) <= row.input.constraints.budget - 1e-9
                {
                    #expect(plan.meals.count == 7)
                    fullWeeks += 1
                }
            }
        }
        #expect(fullWeeks > 500)
    }

    @Test func avoidsRepeatsAndBreaksTiesByRecipeID() throws {
        let catalog = try RecipeCatalog(recipes: (1...9).reversed().map { Self.recipe($0, cost: 1) })
        let plan = try Self.untrained(catalog).plan(for: Self.input(budget: 100))
        #expect(plan.meals.map(\.recipeID) == ["r01", "r02", "r03", "r04", "r05", "r06", "r07"])
        #expect(plan.meals.map(\.day) == Weekday.allCases)
    }

    @Test func prefersRecipesThatUseThePantry() throws {
        let recipes = (1...9).map { Self.recipe($0, cost: 1, ingredients: $0 >= 8 ? ["rice"] : ["water"]) }
        let catalog = try RecipeCatalog(recipes: recipes)
        let plan = try Self.untrained(catalog).plan(for: Self.input(budget: 100, pantry: ["rice"]))
        #expect(plan.meals.prefix(2).map(\.recipeID) == ["r08", "r09"])
        let withoutBonus = try Self.untrained(catalog, pantryBonus: 0).plan(
            for: Self.input(budget: 100, pantry: ["rice"]))
        #expect(withoutBonus.meals.first?.recipeID == "r01")
    }

    @Test func repeatsOnlyWhenDistinctRecipesCannotFillTheWeek() throws {
        let catalog = try RecipeCatalog(recipes: [
            Self.recipe(1, cost: 1), Self.recipe(2, cost: 1), Self.recipe(3, cost: 2),
        ])
        let plan = try Self.untrained(catalog).plan(for: Self.input(budget: 8))
        #expect(plan.meals.count == 7)
        #expect(plan.meals.reduce(0) { $0 + (catalog.recipe($1.recipeID)!.costPerServing) } <= 8)
        #expect(Set(plan.meals.map(\.recipeID)) == ["r01", "r02", "r03"])
    }

    @Test func plansFewerMealsWhenNoFullWeekFits() throws {
        let catalog = try RecipeCatalog(recipes: [
            Self.recipe(1, cost: 5), Self.recipe(2, cost: 3), Self.recipe(3, cost: 9, prep: 90),
        ])
        let model = try Self.untrained(catalog)
        // Two people: 10 and 6 per meal; 13 buys two meals at most, and only two of the cheaper.
        let plan = model.plan(for: Self.input(size: 2, budget: 13))
        #expect(plan.meals.map(\.recipeID) == ["r02", "r02"])
        // Nothing admissible (prep time) or affordable: an empty plan, never a broken rule.
        #expect(model.plan(for: Self.input(budget: 2)).meals.isEmpty)
        #expect(model.plan(for: Self.input(budget: 100, maxPrepTime: 5)).meals.isEmpty)
    }

    @Test func theDistributionCoversTheAdmissibleRecipes() throws {
        let model = try Self.untrained(HandMade.catalog)
        let distribution = model.distribution(for: HandMade.input)
        // Nut (r4), shrimp (r5) and 60 minutes (r7) are out.
        #expect(distribution.map(\.recipeID).sorted() == ["r1", "r2", "r3", "r6", "r8"])
        #expect(abs(distribution.reduce(0) { $0 + $1.probability } - 1) < 1e-12)
    }
}
