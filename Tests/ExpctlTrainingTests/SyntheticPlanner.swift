import ExpctlModel
import ExpctlTraining
import Foundation

/// A small synthetic planner world with a hidden preference model, for tests that need data a
/// model can learn from.
///
/// Each household profile (region, size, preferences) likes some tags: its preferences
/// strongly, its region's cuisine, kid-friendly food when it has children, quick food when it
/// lives alone; on top, every profile has its own taste for each recipe, which only a model
/// with per-profile parameters and enough rows can learn. Pantry-first planners like recipes
/// that use their pantry; nobody likes last week's meals again. A random feasible plan is
/// shown; the household keeps a meal with a probability that grows with how much it likes it,
/// and swaps the others for meals it picks by taste.
struct SyntheticPlanner {
    static let cuisines = ["american", "asian", "indian", "italian", "mediterranean", "mexican"]
    static let attributes = ["comfort", "healthy", "kid-friendly", "quick", "spicy", "vegetarian"]
    static let tagNames = cuisines + attributes
    static let regions = ["east", "north", "south", "west"]
    static let preferenceChoices = ["healthy", "kid-friendly", "quick", "spicy", "vegetarian"]
    static let restrictionChoices = ["nut-allergy", "dairy-free", "gluten-free", "shellfish"]
    /// Ingredient and the allergen it carries.
    static let ingredients: [(String, String?)] = [
        ("rice", nil), ("pasta", "gluten"), ("tomatoes", nil), ("onion", nil), ("garlic", nil), ("chicken", nil),
        ("beef", nil), ("tofu", nil), ("beans", nil), ("cheese", "dairy"), ("milk", "dairy"), ("eggs", "egg"),
        ("peanuts", "nut"), ("almonds", "nut"), ("shrimp", "shellfish"), ("salmon", nil), ("spinach", nil),
        ("peppers", nil), ("potatoes", nil), ("flour", "gluten"), ("butter", "dairy"), ("lentils", nil),
        ("chickpeas", nil), ("carrots", nil), ("zucchini", nil), ("mushrooms", nil), ("corn", nil),
        ("tortillas", "gluten"), ("coconut milk", nil), ("ginger", nil), ("lime", nil), ("basil", nil),
    ]
    static let allergenNames = ["dairy", "egg", "gluten", "nut", "shellfish"]

    let recipes: [Recipe]
    let catalog: RecipeCatalog
    /// The named ingredients, then `extraIngredients` plain ones (`ingredient-017`).
    let ingredientNames: [String]
    /// Pantry items per row: at least this many, up to twice as many.
    let pantrySize: Int
    private let popularity: [Double]
    /// Per recipe, its tags, ingredients and allergens as bits and indices, for quick draws.
    private let tagBits: [UInt16]
    private let ingredientIDs: [[Int]]
    private let allergenBits: [UInt8]

    init(seed: UInt64 = 7, recipeCount: Int = 60, extraIngredients: Int = 0, pantrySize: Int = 3) {
        var random = TestRandom(seed: seed)
        let names = Self.ingredients.map(\.0) + (0..<extraIngredients).map { "ingredient-" + Self.padded($0, 3) }
        var recipes: [Recipe] = []
        var popularity: [Double] = []
        var ingredientIDs: [[Int]] = []
        for index in 0..<recipeCount {
            let cuisine = Self.cuisines[random.below(Self.cuisines.count)]
            var tags = [cuisine]
            for attribute in Self.attributes where random.unit() < 0.3 { tags.append(attribute) }
            var ids: [Int] = []
            while ids.count < 4 + random.below(4) {
                let id = random.below(names.count)
                if !ids.contains(id) { ids.append(id) }
            }
            let allergens = Set(ids.compactMap { $0 < Self.ingredients.count ? Self.ingredients[$0].1 : nil }).sorted()
            recipes.append(
                Recipe(
                    recipeID: "r" + Self.padded(index, 4), name: "\(cuisine) dish \(index)",
                    ingredients: ids.map { names[$0] },
                    tags: tags, allergens: allergens, prepTime: 10 + 5 * random.below(13),
                    costPerServing: Double(150 + random.below(600)) / 100))
            popularity.append(random.normal())
            ingredientIDs.append(ids)
        }
        self.recipes = recipes
        catalog = try! RecipeCatalog(recipes: recipes)
        ingredientNames = names
        self.pantrySize = pantrySize
        self.popularity = popularity
        self.ingredientIDs = ingredientIDs
        tagBits = recipes.map { Self.bits($0.tags, of: Self.tagNames) }
        allergenBits = recipes.map { UInt8(Self.bits($0.allergens, of: Self.allergenNames)) }
    }

    static func bits(_ names: [String], of all: [String]) -> UInt16 {
        names.reduce(0) { $0 | (all.firstIndex(of: $1).map { 1 << UInt16($0) } ?? 0) }
    }

    /// `count` rows of households drawn from a pool, in time order; each household's previous
    /// accepted plan is its last row's. Split by the dataset rule with `validationShare`.
    func rows(
        count: Int, seed: UInt64, households householdCount: Int = 400, validationShare: Double = 0.1
    ) -> [DatasetRow] {
        var random = TestRandom(seed: seed ^ 0xA5A5_A5A5)
        let households = (0..<householdCount).map { makeHousehold($0, seed: seed, &random) }
        var previous: [WeeklyPlan?] = Array(repeating: nil, count: householdCount)
        var previousRecipes: [[Int]] = Array(repeating: [], count: householdCount)
        var tastes: [Int: [Double]] = [:]
        var rows: [DatasetRow] = []
        rows.reserveCapacity(count)
        for index in 0..<count {
            let which = random.below(householdCount)
            let household = households[which]
            if tastes[household.profile] == nil { tastes[household.profile] = taste(household.profile) }
            let (row, accepted) = makeRow(
                "p\(seed)-" + Self.padded(index, 6), household, tastes[household.profile]!, previous[which],
                previousRecipes[which], index, validationShare, &random)
            previous[which] = row.target.acceptedPlan
            previousRecipes[which] = accepted
            rows.append(row)
        }
        return rows
    }

    // MARK: Households

    struct Household {
        let household: ExpctlTraining.Household
        let constraints: PlanConstraints
        let preferenceBits: UInt16
        let regionCuisineBit: UInt16
        let forbiddenAllergens: UInt8
        let excludedIngredient: Int?
        /// The hidden profile: region, size (1…5+) and preferences.
        let profile: Int
    }

    private func makeHousehold(_ index: Int, seed: UInt64, _ random: inout TestRandom) -> Household {
        let size = 1 + random.below(6)
        var preferences: [String] = []
        for choice in Self.preferenceChoices where random.unit() < 0.2 && preferences.count < 2 {
            preferences.append(choice)
        }
        let restrictions =
            random.unit() < 0.25 ? [Self.restrictionChoices[random.below(Self.restrictionChoices.count)]] : []
        let excluded = random.unit() < 0.2 ? random.below(ingredientNames.count) : nil
        let budget = (Double(size) * 7 * (3.5 + 5 * random.unit()) * 100).rounded() / 100
        let region = Self.regions[random.below(Self.regions.count)]
        let cuisine = Self.stableHash(region) % Self.cuisines.count
        return Household(
            household: ExpctlTraining.Household(
                id: "h\(seed)-" + Self.padded(index, 4), size: size, region: region, preferences: preferences,
                restrictions: restrictions),
            constraints: PlanConstraints(
                budget: budget, maxPrepTime: [30, 45, 60, 90][random.below(4)],
                excludedIngredients: excluded.map { [ingredientNames[$0]] } ?? []),
            preferenceBits: Self.bits(preferences, of: Self.tagNames), regionCuisineBit: 1 << UInt16(cuisine),
            forbiddenAllergens: UInt8(Self.bits(restrictions.map(Restriction.allergen(of:)), of: Self.allergenNames)),
            excludedIngredient: excluded,
            profile: Self.stableHash(region + "|\(min(size, 5))|" + preferences.sorted().joined(separator: ",")))
    }

    /// A profile's own taste for each recipe.
    private func taste(_ profile: Int) -> [Double] {
        recipes.indices.map { recipe in
            var random = TestRandom(seed: UInt64(profile) &* 0x9E37_79B9 ^ UInt64(recipe))
            return 1.2 * random.normal()
        }
    }

    // MARK: Rows

    private func makeRow(
        _ rowID: String, _ household: Household, _ taste: [Double], _ previous: WeeklyPlan?, _ previousRecipes: [Int],
        _ index: Int, _ validationShare: Double, _ random: inout TestRandom
    ) -> (DatasetRow, [Int]) {
        let workflowRoll = random.unit()
        let workflow: WorkflowType = workflowRoll < 0.6 ? .planFirst : workflowRoll < 0.9 ? .mealFirst : .pantryFirst
        var pantry: [PantryItem] = []
        var inPantry = [Bool](repeating: false, count: ingredientNames.count)
        for _ in 0..<(pantrySize + random.below(pantrySize + 1)) {
            let id = random.below(ingredientNames.count)
            guard !inPantry[id] else { continue }
            inPantry[id] = true
            pantry.append(PantryItem(name: ingredientNames[id], quantity: Double(1 + random.below(8)) / 2, unit: "kg"))
        }
        let input = PlanningInput(
            household: household.household, pantry: pantry, constraints: household.constraints, workflowType: workflow,
            mode: [PlanningMode.autopilot, .exploratory, .constrained, nil][random.below(4)], previousPlan: previous)
        let size = household.household.size
        let admissible = recipes.indices.filter { recipe in
            recipes[recipe].prepTime <= household.constraints.maxPrepTime
                && allergenBits[recipe] & household.forbiddenAllergens == 0
                && !(household.excludedIngredient.map(ingredientIDs[recipe].contains) ?? false)
        }
        let utilities = recipes.indices.map { recipe in
            utility(recipe, household, taste, workflow, inPantry, previousRecipes)
        }

        // The shown plan: distinct admissible recipes at random, within the budget.
        var shown: [Int] = []
        var spent = 0.0
        for candidate in admissible.shuffled(using: &random) where shown.count < 7 {
            let cost = recipes[candidate].costPerServing * Double(size)
            if spent + cost <= input.constraints.budget {
                shown.append(candidate)
                spent += cost
            }
        }
        var accepted = shown
        var edits: [UserEdit] = []
        for day in accepted.indices {
            let keep = 1 / (1 + exp(-(utilities[accepted[day]] - 1.0)))
            guard random.unit() >= keep else { continue }
            let pool = admissible.filter { !accepted.contains($0) }
            guard !pool.isEmpty else { continue }
            let pick = pool[random.pick(weights: pool.map { exp(utilities[$0]) })]
            edits.append(
                .swapMeal(
                    day: Weekday(rawValue: day)!, from: recipes[accepted[day]].recipeID, to: recipes[pick].recipeID))
            accepted[day] = pick
        }
        var meals = accepted.enumerated().map {
            Meal(day: Weekday(rawValue: $0.offset)!, recipeID: recipes[$0.element].recipeID, servings: size)
        }
        if !meals.isEmpty, random.unit() < 0.1 {
            let day = random.below(meals.count)
            meals[day].servings = size + 2
            edits.append(.adjustServings(day: meals[day].day, servings: size + 2))
        }
        let day = Self.padded(1 + index / 1440 % 28, 2)
        let time = Self.padded(index / 60 % 24, 2) + ":" + Self.padded(index % 60, 2)
        let row = DatasetRow(
            rowID: rowID, split: Self.split(rowID, validationShare), input: input,
            target: PlanTarget(acceptedPlan: WeeklyPlan(meals: meals), userEdits: edits),
            metadata: RowMetadata(
                timestamp: "2025-01-\(day)T\(time):00Z", policyVersionID: "planner_policy@1",
                region: household.household.region, householdSize: size))
        return (row, accepted)
    }

    /// The hidden taste of a household for a recipe.
    private func utility(
        _ recipe: Int, _ household: Household, _ taste: [Double], _ workflow: WorkflowType, _ inPantry: [Bool],
        _ previousRecipes: [Int]
    ) -> Double {
        let tags = tagBits[recipe]
        var value = popularity[recipe] + taste[recipe]
        value += 2.5 * Double((tags & household.preferenceBits).nonzeroBitCount)
        if tags & household.regionCuisineBit != 0 { value += 1.5 }
        if tags & Self.tagBit("kid-friendly") != 0, household.household.size >= 3 { value += 1.5 }
        if tags & Self.tagBit("quick") != 0, household.household.size == 1 { value += 1.0 }
        let ids = ingredientIDs[recipe]
        let share = Double(ids.reduce(0) { $0 + (inPantry[$1] ? 1 : 0) }) / Double(ids.count)
        switch workflow {
        case .pantryFirst: value += 3 * share
        case .planFirst: value += 0.5 * share
        case .mealFirst: value += tags & Self.tagBit("comfort") != 0 ? 0.8 : 0
        }
        if previousRecipes.contains(recipe) { value -= 1 }
        return value
    }

    static func tagBit(_ name: String) -> UInt16 { 1 << UInt16(tagNames.firstIndex(of: name)!) }

    /// The dataset rule: validation when the first 8 bytes of SHA-256("<seed>:<row_id>") mod
    /// 10,000 are below share × 10,000.
    static func split(_ rowID: String, _ share: Double) -> DatasetSplit {
        let digest = ContentHash.hex("0:\(rowID)")
        let value = UInt64(digest.prefix(16), radix: 16)!
        return Double(value % 10_000) < share * 10_000 ? .validation : .train
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// FNV-1a: Swift's `hashValue` is seeded per process.
    static func stableHash(_ text: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: hash >> 2)
    }
}

/// SplitMix64 for the tests' own draws.
struct TestRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Box–Muller.
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * unit())
    }

    mutating func pick(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var threshold = unit() * total
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return index }
        }
        return weights.count - 1
    }
}
