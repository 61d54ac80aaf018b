public import ExpctlModel

/// The days of a weekly plan, in order.
public enum Weekday: Int, Sendable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The name plans use, e.g. "monday".
    public var name: String { Weekday.names[rawValue] }

    private static let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
}

/// One meal of a weekly plan; `recipe` is an index into the world's recipes.
public struct Meal: Sendable, Equatable {
    public var day: Weekday
    public var recipe: Int
    public var servings: Int
}

/// One meal per day, Monday to Sunday.
public struct WeeklyPlan: Sendable, Equatable {
    public var meals: [Meal]

    /// The plan with `edits` applied in order.
    public func applying(_ edits: [PlanEdit]) -> WeeklyPlan {
        var plan = self
        for edit in edits {
            switch edit {
            case .swapMeal(let day, _, let to): plan.meals[day.rawValue].recipe = to
            case .adjustServings(let day, let servings): plan.meals[day.rawValue].servings = servings
            }
        }
        return plan
    }
}

/// A change a user made to a generated plan before accepting it; recipes are indices.
public enum PlanEdit: Sendable, Equatable {
    case swapMeal(day: Weekday, from: Int, to: Int)
    case adjustServings(day: Weekday, servings: Int)
}

/// One plan the incumbent policy generated (a `plan_generated` event) and, when the household
/// accepted it, the accepted plan (a `plan_accepted` event with the same plan id).
public struct PlanSession: Sendable, Equatable {
    /// A deterministic UUID-shaped id.
    public var planID: String
    public var generatedAt: Timestamp
    public var workflow: WorkflowType
    public var mode: PlanMode?
    /// The label of the policy that generated the plan, e.g. "planner_policy@1".
    public var policyVersion: String
    public var generated: WeeklyPlan
    public var latencyMS: Int
    public var costUSD: Double
    public var acceptance: Acceptance?
}

/// What the household accepted, minutes after the plan was generated.
public struct Acceptance: Sendable, Equatable {
    public var acceptedAt: Timestamp
    public var plan: WeeklyPlan
    /// Exactly the changes that turn the generated plan into `plan`, in order.
    public var edits: [PlanEdit]
}
