/// A day of a weekly plan. The order of the cases is the order of the week, and the order in
/// which plans are built, compared and written.
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The spelling in rows and plans: `monday` … `sunday`.
    public var name: String {
        switch self {
        case .monday: "monday"
        case .tuesday: "tuesday"
        case .wednesday: "wednesday"
        case .thursday: "thursday"
        case .friday: "friday"
        case .saturday: "saturday"
        case .sunday: "sunday"
        }
    }

    public init?(name: String) {
        guard let day = Weekday.allCases.first(where: { $0.name == name }) else { return nil }
        self = day
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One planned dinner: which recipe, on which day, for how many people.
public struct Meal: Sendable, Hashable {
    public var day: Weekday
    public var recipeID: String
    public var servings: Int

    public init(day: Weekday, recipeID: String, servings: Int) {
        self.day = day
        self.recipeID = recipeID
        self.servings = servings
    }
}

/// A weekly plan: at most one meal per day. A full plan has seven; a plan with fewer says that
/// no feasible meal was found for the other days.
public struct WeeklyPlan: Sendable, Hashable {
    /// In the order given; decoded plans have distinct days.
    public var meals: [Meal]

    public init(meals: [Meal]) { self.meals = meals }

    public static let empty = WeeklyPlan(meals: [])

    public func meal(on day: Weekday) -> Meal? { meals.first { $0.day == day } }
}

/// An edit a user made to the plan they were shown before accepting it.
public enum UserEdit: Sendable, Hashable {
    /// The user replaced the meal of `day`: recipe `from` by recipe `to`.
    case swapMeal(day: Weekday, from: String, to: String)
    /// The user changed the servings of `day`.
    case adjustServings(day: Weekday, servings: Int)

    public var day: Weekday {
        switch self {
        case .swapMeal(let day, _, _), .adjustServings(let day, _): day
        }
    }
}
