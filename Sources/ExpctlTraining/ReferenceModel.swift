/// expctl's builtin reference model, bound to a recipe catalogue: a softmax over the recipes
/// with logits learned per household profile and workflow type (`ReferenceParameters`), and the
/// policy that turns those logits into a weekly plan that keeps every constraint.
///
/// Binding maps the catalogue's recipes and tags to the model's vocabulary (a recipe or tag the
/// model never saw contributes nothing), so a model trained on one dataset can plan another.
///
/// Immutable; a class so that passing it around never copies its tables.
public final class ReferenceModel: Sendable {
    /// The `model` artifact's format, with its version.
    public static let format = "expctl-reference-model/1"

    public let hyperparameters: ReferenceHyperparameters
    public let catalog: RecipeCatalog
    let parameters: ReferenceParameters
    /// Per key, per catalogue recipe: the logit part that does not depend on the input.
    let staticLogits: [Double]
    let pantryWeights: [Double]
    let previousWeights: [Double]

    init(parameters: ReferenceParameters, hyperparameters: ReferenceHyperparameters, catalog: RecipeCatalog) {
        self.parameters = parameters
        self.hyperparameters = hyperparameters
        self.catalog = catalog
        let keyCount = parameters.keys.count
        let binding = VocabularyBinding(catalog: catalog, vocabulary: parameters.vocabulary)
        (staticLogits, pantryWeights, previousWeights) = binding.withStaticLogits(parameters) { view in
            var logits = [Double](repeating: 0, count: keyCount * catalog.count)
            for key in 0..<keyCount {
                for recipe in 0..<catalog.count {
                    logits[key * catalog.count + recipe] = view.value(key: key, recipe: recipe)
                }
            }
            return (logits, (0..<keyCount).map(view.pantryWeight), (0..<keyCount).map(view.previousWeight))
        }
    }

    /// The same parameters planning over another catalogue (an evaluation dataset's).
    public func rebound(to catalog: RecipeCatalog) -> ReferenceModel {
        ReferenceModel(parameters: parameters, hyperparameters: hyperparameters, catalog: catalog)
    }

    /// How many keys (profiles at every level) the model has parameters for.
    public var keyCount: Int { parameters.keys.count }

    public func plan(for input: PlanningInput) -> WeeklyPlan { plan(for: catalog.prepare(input)) }

    public func plan(for input: PreparedInput) -> WeeklyPlan {
        let recipes = planRecipes(for: input)
        return WeeklyPlan(
            meals: recipes.enumerated().map { day, recipe in
                Meal(
                    day: Weekday(rawValue: day)!, recipeID: catalog.recipes[Int(recipe)].recipeID,
                    servings: input.servings)
            })
    }

    /// The model's distribution over the admissible recipes: recipe ids with probabilities, most
    /// likely first (ties by id).
    public func distribution(for input: PlanningInput) -> [(recipeID: String, probability: Double)] {
        let prepared = catalog.prepare(input)
        let candidates = CandidateFeatures(prepared, catalog)
        let keys = parameters.keyIndices(prepared).filter { $0 >= 0 }
        let logits = candidates.recipes.indices.map {
            logit(
                Int(candidates.recipes[$0]), keys: keys, pantryShare: candidates.pantryShares[$0],
                inPreviousPlan: candidates.inPreviousPlan[$0])
        }
        let probabilities = Softmax.probabilities(logits)
        return zip(candidates.recipes, probabilities)
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map { (catalog.recipes[Int($0.0)].recipeID, $0.1) }
    }

    /// A recipe's logit: for each of the input's keys in the model, coarsest first, the key's
    /// contribution added (`KeyContribution`), as in training.
    @inline(__always)
    func logit(_ recipe: Int, keys: [Int], pantryShare: Double, inPreviousPlan: Bool) -> Double {
        var logit = 0.0
        for key in keys {
            logit += KeyContribution.value(
                staticLogit: staticLogits[key * catalog.count + recipe], pantryWeight: pantryWeights[key],
                pantryShare: pantryShare, previousWeight: previousWeights[key], inPreviousPlan: inPreviousPlan)
        }
        return logit
    }

    /// The plan's recipes, monday first (see `PlanBuilder`); servings are the household size.
    func planRecipes(for input: PreparedInput) -> [Int32] {
        planRecipes(for: input, candidates: PolicyCandidates(input, catalog))
    }

    /// The same with the candidates, which do not depend on the model (computed once per row),
    /// and, for a batch of rows, a cache of static logits per key combination.
    ///
    /// A candidate's score is its logit plus `pantry_bonus` × its pantry share. The policy sums
    /// the logit as S(r) + share(r) · Σ_k w_k[pantry] + prev(r) · Σ_k w_k[previous], S(r) being
    /// Σ_k static_k(r): equal to `logit` up to rounding, but S depends on the keys alone (so it
    /// is cached per key combination, and read as one row instead of one per key).
    func planRecipes(
        for input: PreparedInput, candidates: PolicyCandidates, cache: inout FeaturelessLogits?
    ) -> [Int32] {
        let keys = parameters.keyIndices(input)
        let presentKeys = keys.filter { $0 >= 0 }
        let count = candidates.recipes.count
        var scores = [Double](repeating: 0, count: count)
        if let combined = cache?.logits(for: keys, presentKeys, self) {
            combined.withUnsafeBufferPointer { combined in
                candidates.recipes.withUnsafeBufferPointer { recipes in
                    for position in 0..<count { scores[position] = combined[Int(recipes[position])] }
                }
            }
        } else {
            accumulateStaticLogits(presentKeys, candidates.recipes, into: &scores)
        }
        var pantryWeight = 0.0
        var previousWeight = 0.0
        for key in presentKeys {
            pantryWeight += pantryWeights[key]
            previousWeight += previousWeights[key]
        }
        let bonus = hyperparameters.pantryBonus
        for position in 0..<count where candidates.featureSlots[position] >= 0 {
            let slot = Int(candidates.featureSlots[position])
            let share = input.featurePantryShares[slot]
            let previous = input.featureInPreviousPlan[slot] ? previousWeight : 0
            scores[position] += pantryWeight * share + previous + bonus * share
        }
        return PlanBuilder.choose(
            candidates: candidates.recipes, scores: scores, mealCosts: candidates.mealCosts, byCost: candidates.byCost,
            budget: input.budget)
    }

    func planRecipes(for input: PreparedInput, candidates: PolicyCandidates) -> [Int32] {
        var noCache: FeaturelessLogits?
        return planRecipes(for: input, candidates: candidates, cache: &noCache)
    }

    /// sums[p] += Σ_k static_k(recipes[p]), key by key over all recipes (independent additions,
    /// so the loop runs at the speed of the loads).
    func accumulateStaticLogits(_ keys: [Int], _ recipes: [Int32], into sums: inout [Double]) {
        let recipeCount = catalog.count
        staticLogits.withUnsafeBufferPointer { table in
            recipes.withUnsafeBufferPointer { recipes in
                sums.withUnsafeMutableBufferPointer { sums in
                    for key in keys {
                        let base = key * recipeCount
                        for position in 0..<recipes.count { sums[position] += table[base + Int(recipes[position])] }
                    }
                }
            }
        }
    }
}

/// The static logits S(r) of every catalogue recipe per combination of keys, for a batch of
/// rows planned by one model: rows of the same profile and workflow share them. The values are
/// those `accumulateStaticLogits` gives, so the cache changes speed only.
struct FeaturelessLogits: Sendable {
    static let capacity = 4_096

    private let allRecipes: [Int32]
    private var logitsByKeys: [[Int]: [Double]] = [:]

    init(recipeCount: Int) { allRecipes = (0..<Int32(recipeCount)).map { $0 } }

    /// The logits for the key combination, computed on first use; nil once the cache is full.
    mutating func logits(for keys: [Int], _ presentKeys: [Int], _ model: ReferenceModel) -> [Double]? {
        if let logits = logitsByKeys[keys] { return logits }
        guard logitsByKeys.count < Self.capacity else { return nil }
        var logits = [Double](repeating: 0, count: allRecipes.count)
        model.accumulateStaticLogits(presentKeys, allRecipes, into: &logits)
        logitsByKeys[keys] = logits
        return logits
    }
}
