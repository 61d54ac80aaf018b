/// One household with its constraints, as the `households` and `constraints` relations hold it,
/// and the habits that shape its plans.
public struct Household: Sendable, Equatable {
    /// 0-based position in the world.
    public var index: Int
    /// `h000001`, `h000002`, ...: the unit id of its events.
    public var id: String
    public var size: Int
    public var region: String
    /// Soft tags it likes (0 to 2).
    public var preferences: [String]
    /// Allergen restrictions (0 to 2), e.g. `nut-allergy`: hard, never in an accepted plan.
    public var restrictions: [String]
    /// Dollars per week.
    public var budget: Double
    /// Minutes.
    public var maxPrepTime: Int
    /// Hard, like restrictions (0 to 3).
    public var excludedIngredients: [String]
    /// The workflow it plans with most of the time.
    public var usualWorkflow: WorkflowType

    var forbiddenAllergens: UInt8
    var excludedMask: UInt64
    /// The indices of the recipes it may eat (see `allows`).
    var allowedRecipes: [Int] = []
    /// The day of the week (0 for the first day of a simulated week) and hour it usually plans.
    var usualPlanDay: Int
    var usualPlanHour: Int

    /// The id of household `index`: `h` and `index + 1` in six digits (more past 999,999).
    static func id(_ index: Int) -> String { "h" + zeroPadded(index + 1, 6) }

    /// Whether recipe `index` respects the restrictions and the excluded ingredients.
    func allows(_ index: Int, _ recipes: RecipeFacts) -> Bool {
        recipes.allergenMasks[index] & forbiddenAllergens == 0 && recipes.ingredientMasks[index] & excludedMask == 0
    }

    /// The bucket the hidden preference model knows the size by.
    var sizeBucket: String {
        switch size {
        case 1: "single"
        case 2: "couple"
        case 3, 4: "family"
        default: "large"
        }
    }
}

/// How a plan was asked for (the `workflow_type` of the data contract).
public enum WorkflowType: String, Sendable, CaseIterable {
    case planFirst = "plan-first"
    case mealFirst = "meal-first"
    case pantryFirst = "pantry-first"

    /// About 60% plan-first, 30% meal-first, 10% pantry-first.
    static func draw(_ random: inout SplitMix64) -> WorkflowType {
        [.planFirst, .mealFirst, .pantryFirst][random.weightedIndex([60, 30, 10])]
    }
}

/// The planner's mode (optional in the data contract).
public enum PlanMode: String, Sendable, CaseIterable {
    case autopilot, exploratory, constrained

    /// Half the plans autopilot, a quarter exploratory, 15% constrained, 10% without a mode.
    static func draw(_ random: inout SplitMix64) -> PlanMode? {
        [.autopilot, .exploratory, .constrained, nil][random.weightedIndex([50, 25, 15, 10])]
    }
}

/// Draws household `index` from its own stream, so any household can be made again alone.
enum HouseholdGenerator {
    /// A household keeps at least this many recipes it may eat, so a week never runs short.
    static let minimumAllowedRecipes = 21
    private static let restrictionWeights = Vocabulary.restrictions.map(\.weight)

    static func generate(index: Int, seed: UInt64, recipes: RecipeFacts) -> Household {
        var random = SplitMix64(seed: seed, stream: .household, index: index)
        let size = [1, 2, 3, 4, 5, 6][random.weightedIndex([18, 30, 18, 20, 9, 5])]
        let region = Vocabulary.regions[random.below(Vocabulary.regions.count)]
        let preferences = random.sample(Vocabulary.tags, count: random.weightedIndex([30, 45, 25]))
        var restrictions: [String] = []
        for _ in 0..<random.weightedIndex([60, 30, 10]) {
            let pick = Vocabulary.restrictions[random.weightedIndex(restrictionWeights)].name
            let allergen = Vocabulary.allergen(ofRestriction: pick)
            if !restrictions.contains(where: { Vocabulary.allergen(ofRestriction: $0) == allergen }) {
                restrictions.append(pick)
            }
        }
        let budget = (Double(size * 7) * random.double(in: 3.5...9.0)).rounded()
        let maxPrepTime = [20, 30, 45, 60, 90][random.weightedIndex([5, 20, 35, 25, 15])]
        var excluded = random.sample(Vocabulary.excludable, count: random.weightedIndex([45, 30, 17, 8]))
        let workflow = WorkflowType.draw(&random)
        let habits = PlanSchedule.habits(household: index, seed: seed)

        var household = Household(
            index: index, id: Household.id(index), size: size, region: region, preferences: preferences,
            restrictions: restrictions, budget: budget, maxPrepTime: maxPrepTime, excludedIngredients: excluded,
            usualWorkflow: workflow, forbiddenAllergens: 0, excludedMask: 0, usualPlanDay: habits.day,
            usualPlanHour: habits.hour)
        // Drop exclusions, then restrictions, until enough recipes remain (rarely needed).
        while true {
            household.excludedIngredients = excluded
            household.forbiddenAllergens = Vocabulary.allergenMask(
                restrictions.map(Vocabulary.allergen(ofRestriction:)))
            household.excludedMask = Vocabulary.mask(excluded)
            household.restrictions = restrictions
            household.allowedRecipes = (0..<recipes.count).filter { household.allows($0, recipes) }
            if household.allowedRecipes.count >= minimumAllowedRecipes { return household }
            if !excluded.isEmpty {
                excluded.removeLast()
            } else if !restrictions.isEmpty {
                restrictions.removeLast()
            } else {
                return household
            }
        }
    }
}
