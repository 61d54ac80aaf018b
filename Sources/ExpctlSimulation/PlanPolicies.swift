/// What planning for one household needs, computed once per household: the recipes it may
/// eat, the incumbent's weights over them, and the household's hidden taste.
struct PlanningContext: Sendable {
    let household: Household
    let recipes: RecipeFacts
    /// Indices of the recipes that respect the household's restrictions and exclusions.
    let allowed: [Int]
    /// Running sums of the popularity of `allowed`, for weighted draws.
    let cumulativePopularity: [Double]
    let taste: Taste

    init(household: Household, recipes: RecipeFacts, popularity: [Double], taste: Taste) {
        self.household = household
        self.recipes = recipes
        self.taste = taste
        allowed = household.allowedRecipes
        var sum = 0.0
        cumulativePopularity = allowed.map { index in
            sum += popularity[index]
            return sum
        }
    }

    /// An allowed recipe drawn by popularity.
    func popularRecipe(_ random: inout SplitMix64) -> Int {
        let target = random.unit() * (cumulativePopularity.last ?? 0)
        var low = 0
        var high = cumulativePopularity.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativePopularity[middle] > target { high = middle } else { low = middle + 1 }
        }
        return allowed[low]
    }

    func utility(_ recipe: Int, pantry: UInt64, workflow: WorkflowType) -> Double {
        taste.utility(recipe, pantry: pantry, workflow: workflow)
    }
}

/// The incumbent policy: popularity-weighted random recipes the household may eat, mostly
/// within its preparation time and budget, one per day, no recipe twice in a week. It knows
/// nothing of the household's taste or pantry.
enum IncumbentPolicy {
    static func plan(_ context: PlanningContext, mode: PlanMode?, random: inout SplitMix64) -> WeeklyPlan {
        let household = context.household
        let strictness = mode == .constrained ? 0.98 : 0.9
        let dailyBudget = household.budget / 7
        var chosen: [Int] = []
        for _ in Weekday.allCases {
            let strict = random.chance(strictness)
            var pick: Int?
            for _ in 0..<24 {
                let candidate =
                    mode == .exploratory && random.chance(0.5)
                    ? context.allowed[random.below(context.allowed.count)] : context.popularRecipe(&random)
                if chosen.contains(candidate) { continue }
                let tooLong = context.recipes.prepTimes[candidate] > household.maxPrepTime
                let tooDear = context.recipes.costs[candidate] * Double(household.size) > dailyBudget
                if strict, tooLong || tooDear { continue }
                pick = candidate
                break
            }
            chosen.append(pick ?? context.allowed.first { !chosen.contains($0) } ?? context.allowed[0])
        }
        return WeeklyPlan(
            meals: zip(Weekday.allCases, chosen).map { Meal(day: $0, recipe: $1, servings: household.size) })
    }
}

/// How a household edits a generated plan before accepting it: it looks at each meal, and where
/// a few allowed recipes that come to mind include one it likes clearly better (by the hidden
/// utility, pantry included), it sometimes swaps; now and then it cooks for more or fewer.
enum UserEditing {
    static let swapMargin = 1.2
    static let swapChance = 0.4
    static let alternativesConsidered = 5
    static let maximumSwaps = 3
    static let servingsChance = 0.2

    static func accept(
        _ generated: WeeklyPlan, _ context: PlanningContext, pantry: UInt64, workflow: WorkflowType,
        random: inout SplitMix64
    ) -> (plan: WeeklyPlan, edits: [PlanEdit]) {
        var plan = generated
        var edits: [PlanEdit] = []
        var swaps = 0
        for day in Weekday.allCases where swaps < maximumSwaps {
            let current = plan.meals[day.rawValue].recipe
            var best: (recipe: Int, utility: Double)?
            for _ in 0..<alternativesConsidered {
                let candidate = context.allowed[random.below(context.allowed.count)]
                if plan.meals.contains(where: { $0.recipe == candidate }) { continue }
                let utility = context.utility(candidate, pantry: pantry, workflow: workflow)
                if utility > best?.utility ?? -.infinity { best = (candidate, utility) }
            }
            let liking = context.utility(current, pantry: pantry, workflow: workflow)
            guard let best, best.utility - liking > swapMargin, random.chance(swapChance) else { continue }
            plan.meals[day.rawValue].recipe = best.recipe
            edits.append(.swapMeal(day: day, from: current, to: best.recipe))
            swaps += 1
        }
        if random.chance(servingsChance) {
            let size = context.household.size
            for day in random.sample(Weekday.allCases, count: random.chance(0.3) ? 2 : 1) {
                let servings = max(1, size + [1, 2, -1][random.weightedIndex([50, 30, 20])])
                guard servings != plan.meals[day.rawValue].servings else { continue }
                plan.meals[day.rawValue].servings = servings
                edits.append(.adjustServings(day: day, servings: servings))
            }
        }
        return (plan, edits)
    }
}
