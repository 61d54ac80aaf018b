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
        let binding = VocabularyBinding(catalog: catalog, vocabulary: parameters.vocabulary)
        var logits = [Double](repeating: 0, count: parameters.keys.count * catalog.count)
        for key in 0..<parameters.keys.count {
            for recipe in 0..<catalog.count {
                logits[key * catalog.count + recipe] = binding.staticLogit(parameters, key: key, recipe: recipe)
            }
        }
        staticLogits = logits
        pantryWeights = (0..<parameters.keys.count).map {
            parameters.values[parameters.featureOffset(ofKey: $0) + parameters.vocabulary.pantryFeature]
        }
        previousWeights = (0..<parameters.keys.count).map {
            parameters.values[parameters.featureOffset(ofKey: $0) + parameters.vocabulary.previousFeature]
        }
    }

    /// The same parameters planning over another catalogue (an evaluation dataset's).
    public func rebound(to catalog: RecipeCatalog) -> ReferenceModel {
        ReferenceModel(parameters: parameters, hyperparameters: hyperparameters, catalog: catalog)
    }

    /// Keys in the model, and how many of them each level has.
    public var keyCount: Int { parameters.keys.count }

    public func plan(for input: PlanningInput) -> WeeklyPlan { plan(for: catalog.prepare(input)) }

    public func plan(for input: PreparedInput) -> WeeklyPlan {
        let recipes = planRecipes(for: input)
        return WeeklyPlan(
            meals: recipes.enumerated().map { day, recipe in
                Meal(day: Weekday(rawValue: day)!, recipeID: catalog.recipes[Int(recipe)].recipeID, servings: input.servings)
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

    /// The same with the candidates, which do not depend on the model (computed once per row).
    ///
    /// Candidates are ranked by logit plus `pantry_bonus` × pantry share. Logits are summed key
    /// by key over all candidates: the additions per recipe are those of `logit`, in the same
    /// order, but independent across recipes, so the loop runs at the speed of the loads.
    func planRecipes(for input: PreparedInput, candidates: PolicyCandidates) -> [Int32] {
        let count = candidates.recipes.count
        var scores = [Double](repeating: 0, count: count)
        let recipeCount = catalog.count
        let bonus = hyperparameters.pantryBonus
        staticLogits.withUnsafeBufferPointer { logits in
            candidates.recipes.withUnsafeBufferPointer { recipes in
                candidates.featureSlots.withUnsafeBufferPointer { slots in
                    input.featurePantryShares.withUnsafeBufferPointer { shares in
                        input.featureInPreviousPlan.withUnsafeBufferPointer { previous in
                            scores.withUnsafeMutableBufferPointer { scores in
                                for key in parameters.keyIndices(input) where key >= 0 {
                                    let base = key * recipeCount
                                    let pantryWeight = pantryWeights[key]
                                    let previousWeight = previousWeights[key]
                                    for position in 0..<count {
                                        let slot = Int(slots[position])
                                        scores[position] += KeyContribution.value(
                                            staticLogit: logits[base + Int(recipes[position])],
                                            pantryWeight: pantryWeight, pantryShare: slot >= 0 ? shares[slot] : 0,
                                            previousWeight: previousWeight, inPreviousPlan: slot >= 0 && previous[slot])
                                    }
                                }
                                for position in 0..<count {
                                    let slot = Int(slots[position])
                                    if slot >= 0 { scores[position] += bonus * shares[slot] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return PlanBuilder.choose(
            candidates: candidates.recipes, scores: scores, mealCosts: candidates.mealCosts, byCost: candidates.byCost,
            budget: input.budget)
    }
}
