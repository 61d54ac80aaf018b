/// The per-row scores of the offline replay, each in [0, 1], higher is better
/// (docs/evaluation.md defines them).
public enum OfflineMetric: String, Sendable, Hashable, CaseIterable, Comparable {
    case planAlignment = "plan_alignment_score"
    case mealDiversity = "meal_diversity_score"
    case leftoversUtility = "leftovers_utility_score"
    case constraintRespect = "constraint_respect_score"
    case editDistance = "edit_distance_score"
    case costLatency = "cost_latency_score"

    public static func < (lhs: OfflineMetric, rhs: OfflineMetric) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A rule a predicted plan breaks.
public enum ConstraintViolation: Sendable, Hashable, CustomStringConvertible {
    case allergen(day: Weekday, recipeID: String, allergen: String)
    case excludedIngredient(day: Weekday, recipeID: String, ingredient: String)
    case prepTime(day: Weekday, recipeID: String, minutes: Int, limit: Int)
    case unknownRecipe(day: Weekday, recipeID: String)
    /// Σ cost per serving × servings over the plan, above the weekly budget.
    case budget(total: Double, budget: Double)

    public var description: String {
        switch self {
        case .allergen(let day, let recipe, let allergen): "\(day.name): \(recipe) contains \(allergen)"
        case .excludedIngredient(let day, let recipe, let ingredient):
            "\(day.name): \(recipe) uses excluded \(ingredient)"
        case .prepTime(let day, let recipe, let minutes, let limit):
            "\(day.name): \(recipe) takes \(minutes) min, the limit is \(limit)"
        case .unknownRecipe(let day, let recipe): "\(day.name): \(recipe) is not in the catalogue"
        case .budget(let total, let budget): "the plan costs \(total), the budget is \(budget)"
        }
    }
}

/// One row's scores, with the counts behind them.
public struct RowScores: Sendable, Hashable {
    public var planAlignment: Double
    public var mealDiversity: Double
    public var leftoversUtility: Double
    public var constraintRespect: Double
    public var editDistance: Double
    public var costLatency: Double
    public var violations: [ConstraintViolation]
    /// Edits that turn the predicted plan into the accepted one (`edit_distance_score`).
    public var predictedEdits: Int
    /// Days the user edited.
    public var userEditedDays: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var latencyMs: Double
    public var costUSD: Double

    public subscript(metric: OfflineMetric) -> Double {
        switch metric {
        case .planAlignment: planAlignment
        case .mealDiversity: mealDiversity
        case .leftoversUtility: leftoversUtility
        case .constraintRespect: constraintRespect
        case .editDistance: editDistance
        case .costLatency: costLatency
        }
    }
}

/// The deterministic stand-ins for cost and latency, from token counts (wall time is not
/// reproducible): a token is 4 bytes of canonical JSON; a request's latency is a fixed
/// overhead, a prefill time per input token and a decode time per output token; its cost is
/// a price per input and per output token.
public struct CostLatencyProxy: Sendable, Hashable {
    public var bytesPerToken = 4
    public var baseLatencyMs = 50.0
    public var msPerInputToken = 0.1
    public var msPerOutputToken = 20.0
    public var usdPerMillionInputTokens = 0.5
    public var usdPerMillionOutputTokens = 1.5

    public init() {}

    public func tokens(bytes: Int) -> Int { (bytes + bytesPerToken - 1) / bytesPerToken }

    public func latencyMs(inputTokens: Int, outputTokens: Int) -> Double {
        baseLatencyMs + msPerInputToken * Double(inputTokens) + msPerOutputToken * Double(outputTokens)
    }

    public func costUSD(inputTokens: Int, outputTokens: Int) -> Double {
        (usdPerMillionInputTokens * Double(inputTokens) + usdPerMillionOutputTokens * Double(outputTokens)) / 1_000_000
    }
}
