/// A planning input interned against a catalogue: what the policies and the scorer need, as
/// indices and flat arrays, computed once per row however many models plan it.
public struct PreparedInput: Sendable {
    /// Each meal's servings: the household size.
    let servings: Int
    let budget: Double
    let maxPrepTime: Int
    /// Recipes that break no per-meal rule: no restricted allergen, no excluded ingredient, and
    /// a prep time within the limit (a bitset by recipe index). The budget is a plan's rule.
    let admissible: [UInt64]
    /// The recipes with an input-dependent feature, sorted: those using a pantry item, with the
    /// share of their ingredients in the pantry, and those of the previous accepted plan.
    /// Sparse, as most recipes have neither.
    let featureRecipes: [Int32]
    let featurePantryShares: [Double]
    let featureInPreviousPlan: [Bool]
    /// Pantry ingredients the catalogue knows, distinct and sorted.
    let pantryIngredients: [Int32]
    /// Distinct names of the pantry items with a positive quantity, known or not.
    let pantryNameCount: Int
    /// Allergen indices the household's restrictions forbid, and ingredient indices excluded.
    let forbiddenAllergens: [Int32]
    let excludedIngredients: [Int32]
    /// The reference model's key of each level (`ProfileKeys`), and their hashes.
    let profileKeys: [String]
    let profileKeyHashes: [UInt64]

    func isAdmissible(_ recipe: Int) -> Bool { admissible[recipe >> 6] & (1 << UInt64(recipe & 63)) != 0 }
}

extension RecipeCatalog {
    public func prepare(_ input: PlanningInput) -> PreparedInput {
        var admissible = recipesWithin(prepTime: input.constraints.maxPrepTime)
        func forbid(_ lists: CompactLists, _ position: Int) {
            for index in lists.range(position) {
                let recipe = Int(lists.values[index])
                admissible[recipe >> 6] &= ~(1 << UInt64(recipe & 63))
            }
        }
        var forbiddenAllergens: [Int32] = []
        for restriction in input.household.restrictions {
            guard let allergen = restrictionAllergens[restriction] else { continue }
            forbiddenAllergens.append(Int32(allergen))
            forbid(recipesByAllergen, allergen)
        }
        var excluded: [Int32] = []
        for name in input.constraints.excludedIngredients {
            guard let ingredient = ingredients.index[name] else { continue }
            excluded.append(Int32(ingredient))
            forbid(recipesByIngredient, ingredient)
        }

        var pantryIngredients: [Int32] = []
        var unknownNames: [String] = []
        for item in input.pantry where item.quantity > 0 {
            if let ingredient = ingredients.index[item.name] {
                if !pantryIngredients.contains(Int32(ingredient)) { pantryIngredients.append(Int32(ingredient)) }
            } else if !unknownNames.contains(item.name) {
                unknownNames.append(item.name)
            }
        }
        pantryIngredients.sort()
        var previous: [Int32] = []
        for meal in input.previousPlan?.meals ?? [] {
            if let recipe = recipeIndex[meal.recipeID], !previous.contains(Int32(recipe)) {
                previous.append(Int32(recipe))
            }
        }
        let features = InputFeatures(self, pantryIngredients: pantryIngredients, previousRecipes: previous)
        let keys = ProfileKeys.keys(for: input)
        return PreparedInput(
            servings: input.household.size, budget: input.constraints.budget,
            maxPrepTime: input.constraints.maxPrepTime, admissible: admissible, featureRecipes: features.recipes,
            featurePantryShares: features.pantryShares, featureInPreviousPlan: features.inPreviousPlan,
            pantryIngredients: pantryIngredients, pantryNameCount: pantryIngredients.count + unknownNames.count,
            forbiddenAllergens: forbiddenAllergens.sorted(), excludedIngredients: excluded.sorted(),
            profileKeys: keys, profileKeyHashes: keys.map(ProfileKeys.hash))
    }

    /// The bitset of recipes that take at most `limit` minutes.
    private func recipesWithin(prepTime limit: Int) -> [UInt64] {
        var low = 0
        var high = prepTimeLimits.count
        while low < high {
            let middle = (low + high) / 2
            if prepTimeLimits[middle] <= limit { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? [UInt64](repeating: 0, count: (count + 63) / 64) : recipesWithinPrepTime[low - 1]
    }
}

/// The sparse per-recipe features of an input (see `PreparedInput.featureRecipes`).
private struct InputFeatures {
    var recipes: [Int32] = []
    var pantryShares: [Double] = []
    var inPreviousPlan: [Bool] = []

    /// Counted in a dense array (pantry hits in the low bits, the previous plan in the top
    /// bit) and read back in recipe order.
    init(_ catalog: RecipeCatalog, pantryIngredients: [Int32], previousRecipes: [Int32]) {
        let previousFlag: UInt16 = 0x8000
        var marks = [UInt16](repeating: 0, count: catalog.count)
        var marked = 0
        let postings = catalog.recipesByIngredient
        let ingredientLists = catalog.recipeIngredients
        marks.withUnsafeMutableBufferPointer { marks in
            postings.values.withUnsafeBufferPointer { recipes in
                for ingredient in pantryIngredients {
                    for index in postings.range(Int(ingredient)) {
                        let recipe = Int(recipes[index])
                        if marks[recipe] == 0 { marked += 1 }
                        marks[recipe] &+= 1
                    }
                }
            }
            for recipe in previousRecipes {
                if marks[Int(recipe)] == 0 { marked += 1 }
                marks[Int(recipe)] |= previousFlag
            }
        }
        guard marked > 0 else { return }
        recipes = [Int32](repeating: 0, count: marked)
        pantryShares = [Double](repeating: 0, count: marked)
        inPreviousPlan = [Bool](repeating: false, count: marked)
        marks.withUnsafeBufferPointer { marks in
            ingredientLists.offsets.withUnsafeBufferPointer { offsets in
                recipes.withUnsafeMutableBufferPointer { recipes in
                    pantryShares.withUnsafeMutableBufferPointer { shares in
                        inPreviousPlan.withUnsafeMutableBufferPointer { previous in
                            var next = 0
                            for recipe in 0..<marks.count where marks[recipe] != 0 {
                                let hits = Int(marks[recipe] & ~previousFlag)
                                recipes[next] = Int32(recipe)
                                if hits > 0 {
                                    shares[next] = Double(hits) / Double(offsets[recipe + 1] - offsets[recipe])
                                }
                                previous[next] = marks[recipe] & previousFlag != 0
                                next += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
