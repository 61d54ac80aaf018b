import ExpctlModel
import ExpctlSimulation
import Testing

/// The generator alone: no database.
@Suite("The simulated world")
struct WorldTests {
    private static let world = SimulatedWorld(SimulationConfig(households: 250, days: 196, seed: 7))
    private static let histories = (0..<250).map { world.history(ofHousehold: $0) }
    private static var sessions: [(HouseholdHistory, PlanSession)] {
        histories.flatMap { history in history.sessions.map { (history, $0) } }
    }

    @Test func theSameSeedGivesTheSameWorldAndAnotherSeedAnother() {
        let again = SimulatedWorld(SimulationConfig(households: 250, days: 196, seed: 7))
        #expect(again.recipes == Self.world.recipes)
        #expect([0, 17, 249].map(again.history(ofHousehold:)) == [0, 17, 249].map { Self.histories[$0] })
        let other = SimulatedWorld(SimulationConfig(households: 250, days: 196, seed: 8))
        #expect(other.recipes != Self.world.recipes)
        #expect(other.history(ofHousehold: 17) != Self.histories[17])
    }

    /// A household is made from its own streams: a smaller world holds the same first households.
    @Test func aHouseholdDoesNotDependOnTheWorldsSize() {
        let small = SimulatedWorld(SimulationConfig(households: 20, days: 196, seed: 7))
        #expect(small.history(ofHousehold: 19) == Self.histories[19])
    }

    @Test func theCatalogueHasDistinctRecipesWithConsistentTagsAndAllergens() throws {
        let recipes = Self.world.recipes
        #expect((160...240).contains(recipes.count))
        #expect(recipes.first?.id == "r0001")
        #expect(Set(recipes.map(\.id)).count == recipes.count)
        #expect(Set(recipes.map(\.name)).count == recipes.count)
        for recipe in recipes {
            #expect(
                recipe.allergens.contains("nut")
                    == recipe.ingredients.contains { ["peanuts", "almonds", "cashews"].contains($0) })
            #expect(
                recipe.allergens.contains("gluten")
                    == recipe.ingredients.contains { ["pasta", "bread", "soy sauce"].contains($0) }
                    || recipe.ingredients.contains { ["noodles", "tortillas", "couscous"].contains($0) })
            #expect(!recipe.tags.contains("vegan") || recipe.tags.contains("vegetarian"))
            #expect(recipe.tags.contains("quick") == (recipe.prepTime <= 25))
            #expect(recipe.prepTime >= 10 && recipe.costPerServing > 0)
            #expect(abs((recipe.costPerServing * 100).rounded() - recipe.costPerServing * 100) < 1e-6, "whole cents")
        }
        for tag in ["vegetarian", "vegan", "spicy", "quick", "kid-friendly", "comfort", "italian"] {
            #expect(recipes.contains { $0.tags.contains(tag) }, "no recipe is \(tag)")
        }
    }

    @Test func householdsHaveTheDocumentedShape() {
        let households = Self.histories.map(\.household)
        #expect(households.first?.id == "h000001")
        #expect(households.last?.id == "h000250")
        #expect(
            households.allSatisfy {
                (1...6).contains($0.size) && $0.preferences.count <= 2 && $0.restrictions.count <= 2
            })
        #expect(households.allSatisfy { $0.excludedIngredients.count <= 3 && $0.budget > 0 && $0.maxPrepTime >= 20 })
        #expect(Set(households.map(\.region)).count >= 4)
        #expect(households.contains { $0.restrictions.contains("nut-allergy") })
        #expect(households.contains { !$0.excludedIngredients.isEmpty })
    }

    /// About one plan a week, 80% accepted, workflow types near 60/30/10.
    @Test func plansFollowTheDocumentedShares() {
        let sessions = Self.sessions.map(\.1)
        let perWeek = Double(sessions.count) / Double(Self.histories.count * 28)
        #expect(perWeek > 0.95 && perWeek < 1.05, "\(perWeek) plans a week")
        let accepted = Double(sessions.count { $0.acceptance != nil }) / Double(sessions.count)
        #expect(abs(accepted - 0.8) < 0.02, "\(accepted) accepted")
        for (workflow, share) in [(WorkflowType.planFirst, 0.6), (.mealFirst, 0.3), (.pantryFirst, 0.1)] {
            let found = Double(sessions.count { $0.workflow == workflow }) / Double(sessions.count)
            #expect(abs(found - share) < 0.05, "\(workflow): \(found)")
        }
        let start = SimulationConfig.defaultStart
        let end = Timestamp(seconds: start.seconds + 196 * 86_400)
        #expect(sessions.allSatisfy { $0.generatedAt >= start && $0.generatedAt < end })
        #expect(sessions.allSatisfy { ($0.acceptance?.acceptedAt ?? $0.generatedAt) >= $0.generatedAt })
        #expect(Set(sessions.map(\.planID)).count == sessions.count)
        #expect(sessions.allSatisfy { $0.planID.count == 36 && $0.policyVersion == "planner_policy@1" })
    }

    @Test func generatedPlansHaveOneDistinctAllowedMealADayMostlyWithinTimeAndBudget() {
        var withinLimits = 0
        var meals = 0
        for (history, session) in Self.sessions {
            let plan = session.generated
            #expect(plan.meals.map(\.day) == Weekday.allCases)
            #expect(Set(plan.meals.map(\.recipe)).count == 7)
            for meal in plan.meals {
                let recipe = Self.world.recipes[meal.recipe]
                #expect(respects(history.household, recipe))
                if recipe.prepTime <= history.household.maxPrepTime,
                    recipe.costPerServing * Double(meal.servings) <= history.household.budget / 7
                {
                    withinLimits += 1
                }
                meals += 1
            }
        }
        #expect(Double(withinLimits) / Double(meals) > 0.8, "\(withinLimits) of \(meals) within limits")
    }

    /// Edits turn the generated plan into the accepted one, each one a real change, and the
    /// accepted plan respects the household's restrictions and exclusions.
    @Test func editsAreExactlyTheChangesAndAcceptedPlansRespectTheHousehold() throws {
        var swaps = 0
        var servings = 0
        for (history, session) in Self.sessions {
            guard let acceptance = session.acceptance else { continue }
            #expect(session.generated.applying(acceptance.edits) == acceptance.plan)
            var plan = session.generated
            for edit in acceptance.edits {
                switch edit {
                case .swapMeal(let day, let from, let to):
                    #expect(plan.meals[day.rawValue].recipe == from && from != to)
                    plan.meals[day.rawValue].recipe = to
                    swaps += 1
                case .adjustServings(let day, let count):
                    #expect(plan.meals[day.rawValue].servings != count && count >= 1)
                    plan.meals[day.rawValue].servings = count
                    servings += 1
                }
            }
            #expect(acceptance.plan.meals.allSatisfy { respects(history.household, Self.world.recipes[$0.recipe]) })
        }
        let accepted = Self.sessions.count { $0.1.acceptance != nil }
        #expect(Double(swaps) / Double(accepted) > 0.5 && Double(swaps) / Double(accepted) < 2.5, "\(swaps) swaps")
        #expect(servings > accepted / 10, "\(servings) servings changes")
    }

    /// The signal a learned model can find: accepted plans score higher on the hidden utility
    /// than the plans the incumbent generated.
    @Test func acceptedPlansPreferWhatTheHiddenModelLikes() {
        var generated = 0.0
        var accepted = 0.0
        var meals = 0
        for history in Self.histories {
            let preferences = Self.world.hiddenPreferences(of: history.household)
            for session in history.sessions {
                guard let acceptance = session.acceptance else { continue }
                func utility(_ plan: WeeklyPlan) -> Double {
                    plan.meals.reduce(0) { sum, meal in
                        sum
                            + preferences.utility(
                                ofRecipe: meal.recipe, pantry: history.pantry, at: session.generatedAt,
                                workflow: session.workflow)
                    }
                }
                generated += utility(session.generated)
                accepted += utility(acceptance.plan)
                meals += 7
            }
        }
        let gain = (accepted - generated) / Double(meals)
        #expect(gain > 0.3, "accepted meals are \(gain) better on average")
    }

    /// A pantry-first plan weighs the pantry more: the same recipe is worth more when its
    /// ingredients are at hand.
    @Test func thePantryRaisesUtilityMostWhenPlanningPantryFirst() throws {
        let history = try #require(Self.histories.first { !$0.pantry.isEmpty })
        let item = history.pantry[0]
        let recipe = try #require(
            Self.world.recipes.indices.first { Self.world.recipes[$0].ingredients.contains(item.name) })
        let before = Timestamp(seconds: item.validFrom.seconds - 1)
        let during = item.validFrom
        let preferences = Self.world.hiddenPreferences(of: history.household)
        func utility(_ time: Timestamp, _ workflow: WorkflowType) -> Double {
            preferences.utility(ofRecipe: recipe, pantry: [item], at: time, workflow: workflow)
        }
        let planFirstGain = utility(during, .planFirst) - utility(before, .planFirst)
        let pantryFirstGain = utility(during, .pantryFirst) - utility(before, .pantryFirst)
        #expect(planFirstGain > 0)
        #expect(pantryFirstGain > 2 * planFirstGain)
    }

    /// Items come and go: the pantry at one time is not the pantry at another.
    @Test func pantriesChangeOverTime() {
        let pantry = Self.histories[0].pantry
        let start = SimulationConfig.defaultStart
        #expect(pantry.contains { $0.validTo != nil })
        #expect(pantry.contains { $0.validTo == nil })
        #expect(pantry.contains { $0.validFrom > start })
        let held = (0..<28).map { week in
            Set(
                pantry.filter { $0.isHeld(at: Timestamp(seconds: start.seconds + Int64(week * 7 * 86_400))) }.map(
                    \.name))
        }
        #expect(Set(held).count > 5)
        for (first, second) in zip(pantry, pantry.dropFirst()) {
            #expect((first.validFrom, first.name) <= (second.validFrom, second.name))
        }
        // The stays of one ingredient never overlap.
        for name in Set(pantry.map(\.name)) {
            let stays = pantry.filter { $0.name == name }
            for (first, second) in zip(stays, stays.dropFirst()) {
                #expect(first.validTo.map { $0 <= second.validFrom } ?? false)
            }
        }
    }
}

/// Whether `recipe` respects the household's restrictions (by the data contract's rule) and
/// excluded ingredients, checked from the public fields only.
func respects(_ household: Household, _ recipe: Recipe) -> Bool {
    let forbidden = household.restrictions.map { restriction in
        for suffix in ["-allergy", "-free"] where restriction.hasSuffix(suffix) {
            return String(restriction.dropLast(suffix.count))
        }
        return restriction
    }
    return !recipe.allergens.contains(where: forbidden.contains)
        && !recipe.ingredients.contains(where: household.excludedIngredients.contains)
}
