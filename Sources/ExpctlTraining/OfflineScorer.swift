import ExpctlModel

/// Scores a predicted plan against a row: what the household accepted, and the rules of its
/// input. Every score is in [0, 1], higher is better; docs/evaluation.md gives the formulas.
public struct OfflineScorer: Sendable {
    /// Changes whenever a score's definition changes: evaluations with different versions do
    /// not compare.
    public static let scorerVersion = EvaluationIdentity.scorerVersion

    public let catalog: RecipeCatalog
    public let proxy: CostLatencyProxy
    /// Canonical JSON size of each catalogue recipe id, for the token counts.
    private let recipeIDSizes: [Int]

    public init(catalog: RecipeCatalog, proxy: CostLatencyProxy = CostLatencyProxy()) {
        self.catalog = catalog
        self.proxy = proxy
        recipeIDSizes = catalog.recipes.map { CanonicalSize.string($0.recipeID) }
    }

    public func target(for row: DatasetRow) -> ScoringTarget { target(for: row, prepared: catalog.prepare(row.input)) }

    /// A row readied for scoring any number of predictions.
    public func target(for row: DatasetRow, prepared: PreparedInput) -> ScoringTarget {
        var unknown: [String] = []
        let accepted = encode(row.target.acceptedPlan, unknown: &unknown)
        var editedDays: UInt8 = 0
        for edit in row.target.userEdits { editedDays |= 1 << UInt8(edit.day.rawValue) }
        let inputTokens = proxy.tokens(bytes: CanonicalSize.input(row.input))
        let acceptedTokens = proxy.tokens(bytes: planSize(accepted, unknown))
        return ScoringTarget(
            prepared: prepared, accepted: accepted, acceptedRecipes: Self.distinctRecipes(accepted),
            unknownIDs: unknown, userEditedDays: editedDays.nonzeroBitCount, inputTokens: inputTokens,
            acceptedLatencyMs: proxy.latencyMs(inputTokens: inputTokens, outputTokens: acceptedTokens))
    }

    public func score(_ prediction: WeeklyPlan, for row: DatasetRow) -> RowScores {
        score(prediction, against: target(for: row))
    }

    public func score(_ prediction: WeeklyPlan, against target: ScoringTarget) -> RowScores {
        var unknown = target.unknownIDs
        let meals = encode(prediction, unknown: &unknown)
        return score(meals, unknown, target)
    }

    /// A policy's plan as catalogue indices, monday first, each for the household size.
    func score(recipes: [Int32], against target: ScoringTarget) -> RowScores {
        let servings = target.prepared.servings
        let meals = recipes.enumerated().map { EncodedMeal(day: $0.offset, recipe: $0.element, servings: servings) }
        return score(meals, target.unknownIDs, target)
    }

    /// Recipes as catalogue indices; an id the catalogue lacks as -1 - (its position in `unknown`).
    private func encode(_ plan: WeeklyPlan, unknown: inout [String]) -> [EncodedMeal] {
        plan.meals.map { meal in
            let code: Int32
            if let recipe = catalog.index(of: meal.recipeID) {
                code = Int32(recipe)
            } else if let position = unknown.firstIndex(of: meal.recipeID) {
                code = -1 - Int32(position)
            } else {
                unknown.append(meal.recipeID)
                code = -Int32(unknown.count)
            }
            return EncodedMeal(day: meal.day.rawValue, recipe: code, servings: meal.servings)
        }
    }

    private func recipeID(_ code: Int32, _ unknown: [String]) -> String {
        code >= 0 ? catalog.recipes[Int(code)].recipeID : unknown[Int(-1 - code)]
    }

    private func planSize(_ meals: [EncodedMeal], _ unknown: [String]) -> Int {
        var size = 0
        for meal in meals {
            let idSize =
                meal.recipe >= 0
                ? recipeIDSizes[Int(meal.recipe)] : CanonicalSize.string(recipeID(meal.recipe, unknown))
            size += CanonicalSize.meal(
                dayNameLength: Weekday.nameLengths[meal.day], recipeIDSize: idSize, servings: meal.servings)
        }
        return CanonicalSize.plan(mealCount: meals.count, mealsSize: size)
    }

    private func score(_ meals: [EncodedMeal], _ unknown: [String], _ target: ScoringTarget) -> RowScores {
        let distinct = Self.distinctRecipes(meals)
        let violations = self.violations(meals, unknown, target.prepared)
        let edits = Self.editsToAccepted(meals, target.accepted)
        let outputTokens = proxy.tokens(bytes: planSize(meals, unknown))
        let latency = proxy.latencyMs(inputTokens: target.inputTokens, outputTokens: outputTokens)
        return RowScores(
            planAlignment: Self.alignment(distinct, target.acceptedRecipes),
            mealDiversity: diversity(meals, distinctCount: distinct.count),
            leftoversUtility: leftovers(meals, target.prepared),
            constraintRespect: violations.isEmpty ? 1 : 0,
            editDistance: max(0, 1 - Double(max(0, edits - target.userEditedDays)) / Double(Weekday.allCases.count)),
            costLatency: min(1, target.acceptedLatencyMs / latency),
            violations: violations, predictedEdits: edits, userEditedDays: target.userEditedDays,
            inputTokens: target.inputTokens, outputTokens: outputTokens, latencyMs: latency,
            costUSD: proxy.costUSD(inputTokens: target.inputTokens, outputTokens: outputTokens))
    }
}

/// A row readied for scoring: its interned input, its accepted plan interned, the days the
/// user edited and the token counts that do not depend on the prediction.
public struct ScoringTarget: Sendable {
    let prepared: PreparedInput
    let accepted: [EncodedMeal]
    /// The accepted plan's distinct recipes.
    let acceptedRecipes: [Int32]
    /// Recipe ids of the accepted plan that the catalogue lacks.
    let unknownIDs: [String]
    let userEditedDays: Int
    let inputTokens: Int
    let acceptedLatencyMs: Double
}

/// A meal with its day as 0 (monday) … 6 and its recipe as a catalogue index (or a negative
/// code for an id the catalogue lacks).
struct EncodedMeal {
    let day: Int
    let recipe: Int32
    let servings: Int
}

extension Weekday {
    static let nameLengths = Weekday.allCases.map { $0.name.utf8.count }
}
