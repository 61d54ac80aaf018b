public import ExpctlModel

/// What to simulate.
public struct SimulationConfig: Sendable, Equatable {
    /// 2025-01-01T00:00:00Z.
    public static let defaultStart = Timestamp(seconds: 1_735_689_600)
    public static let defaultPolicyVersion = "planner_policy@1"

    public var households: Int
    public var days: Int
    public var seed: UInt64
    /// The first simulated day starts here.
    public var start: Timestamp
    /// The label `plan_generated` events carry as `context.policy_version_id`.
    public var policyVersion: String

    public init(
        households: Int, days: Int, seed: UInt64, start: Timestamp = defaultStart,
        policyVersion: String = defaultPolicyVersion
    ) {
        precondition(households >= 0 && days >= 0, "a simulation has no negative counts")
        self.households = households
        self.days = days
        self.seed = seed
        self.start = start
        self.policyVersion = policyVersion
    }
}

/// A household, its pantry stays and what it plans with.
struct PlanningState {
    var household: Household
    var pantry: [PantryStay]
    var context: PlanningContext
}

/// A household with its pantry over the simulated days and the plans it made.
public struct HouseholdHistory: Sendable, Equatable {
    public var household: Household
    public var pantry: [PantryItem]
    public var sessions: [PlanSession]
}

/// The simulated meal-planner world of one seed: pure and deterministic. Only the recipe
/// catalogue and the hidden model are held; each household, with its pantry and plans, is made
/// on demand from its own random streams, so a world of any size is generated one household at
/// a time, and the same household always comes out the same.
public struct SimulatedWorld: Sendable {
    public let config: SimulationConfig
    public let recipes: [Recipe]
    let facts: RecipeFacts
    let popularity: [Double]
    let preferences: PreferenceModel

    public init(_ config: SimulationConfig) {
        self.config = config
        recipes = RecipeCatalogue.generate(seed: config.seed)
        facts = RecipeFacts(recipes)
        popularity = RecipeCatalogue.popularity(count: recipes.count, seed: config.seed)
        preferences = PreferenceModel(seed: config.seed)
    }

    /// Household `index` (0-based; its id is `index + 1` zero-padded).
    public func household(_ index: Int) -> Household {
        precondition((0..<config.households).contains(index), "household \(index) of \(config.households)")
        return HouseholdGenerator.generate(index: index, seed: config.seed, recipes: facts)
    }

    /// The household's pantry over the simulated days, ordered by `validFrom`, then name.
    public func pantry(of household: Household) -> [PantryItem] {
        pantry(ofHousehold: household.index)
    }

    /// The pantry of household `index`.
    public func pantry(ofHousehold index: Int) -> [PantryItem] {
        PantryGenerator.items(stays(of: index))
    }

    /// Household `index` with its pantry and its plans in time order.
    public func history(ofHousehold index: Int) -> HouseholdHistory {
        let state = planningState(ofHousehold: index)
        var sessions: [PlanSession] = []
        for week in 0..<weeks {
            for plan in PlanSchedule.plans(household: index, week: week, config: config) {
                sessions.append(session(plan, state))
            }
        }
        return HouseholdHistory(
            household: state.household, pantry: PantryGenerator.items(state.pantry), sessions: sessions)
    }

    /// The simulated weeks, the last one possibly cut short.
    var weeks: Int { (config.days + 6) / 7 }

    /// What planning for household `index` needs, made afresh.
    func planningState(ofHousehold index: Int) -> PlanningState {
        let household = household(index)
        return PlanningState(household: household, pantry: stays(of: index), context: context(for: household))
    }

    /// The session a scheduled plan of the household of `state` becomes.
    func session(_ plan: ScheduledPlan, _ state: PlanningState) -> PlanSession {
        PlanSchedule.session(
            plan, household: state.household, pantry: state.pantry, context: state.context, config: config)
    }

    private func stays(of index: Int) -> [PantryStay] {
        PantryGenerator.stays(household: index, seed: config.seed, start: config.start, days: config.days)
    }

    /// The hidden preference model for `household`: for tests and benchmarks that check a
    /// model against the truth; the database never holds it.
    public func hiddenPreferences(of household: Household) -> HiddenPreferences {
        HiddenPreferences(context: context(for: household))
    }

    private func context(for household: Household) -> PlanningContext {
        PlanningContext(
            household: household, recipes: facts, popularity: popularity,
            taste: preferences.taste(of: household, recipes: facts))
    }
}

/// One household's hidden utilities (see `PreferenceModel` and docs/simulate.md).
public struct HiddenPreferences: Sendable {
    let context: PlanningContext

    /// The utility of recipe `recipe` (an index into the world's recipes) with the pantry
    /// `pantry` held at `time`, planning with `workflow`.
    public func utility(
        ofRecipe recipe: Int, pantry: [PantryItem], at time: Timestamp, workflow: WorkflowType
    ) -> Double {
        context.utility(recipe, pantry: PantryGenerator.mask(pantry, at: time), workflow: workflow)
    }
}
