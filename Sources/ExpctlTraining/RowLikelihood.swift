/// A row for training: its interned input, its keys in the model and its targets.
struct TrainingExample {
    let input: PreparedInput
    /// Per profile level, the key's index in the model or -1.
    let keys: [Int]
    /// The admissible recipes (index order): the support of the model's distribution.
    let candidates: CandidateFeatures
    /// Positions in `candidates` of the accepted meals' recipes, one per meal.
    let targets: [Int]
    /// Accepted meals left out: recipe not in the catalogue, or not admissible for the row.
    let skippedMeals: Int

    init(_ row: DatasetRow, _ input: PreparedInput, _ parameters: ReferenceParameters, _ catalog: RecipeCatalog) {
        self.input = input
        keys = parameters.keyIndices(input)
        candidates = CandidateFeatures(input, catalog)
        let recipes = candidates.recipes
        var targets: [Int] = []
        var skipped = 0
        for meal in row.target.acceptedPlan.meals {
            if let recipe = catalog.index(of: meal.recipeID),
                let position = Self.position(of: Int32(recipe), in: recipes)
            {
                targets.append(position)
            } else {
                skipped += 1
            }
        }
        self.targets = targets
        skippedMeals = skipped
    }

    private static func position(of recipe: Int32, in sorted: [Int32]) -> Int? {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < recipe { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == recipe ? low : nil
    }
}

/// The training objective. For a row, the model's distribution is the softmax of the logits
/// over the row's admissible recipes (allergens, excluded ingredients and prep time kept); each
/// accepted meal whose recipe is admissible contributes −log p(recipe). The loss of a set of
/// rows is the mean over those meals; the L2 penalty is not part of it.
struct RowLikelihood {
    let binding: VocabularyBinding

    func logits(_ parameters: ReferenceParameters, _ example: TrainingExample) -> [Double] {
        let candidates = example.candidates
        var logits = [Double](repeating: 0, count: candidates.recipes.count)
        binding.withStaticLogits(parameters) { view in
            for key in example.keys where key >= 0 {
                let pantryWeight = view.pantryWeight(key: key)
                let previousWeight = view.previousWeight(key: key)
                for position in 0..<logits.count {
                    logits[position] += KeyContribution.value(
                        staticLogit: view.value(key: key, recipe: Int(candidates.recipes[position])),
                        pantryWeight: pantryWeight, pantryShare: candidates.pantryShares[position],
                        previousWeight: previousWeight, inPreviousPlan: candidates.inPreviousPlan[position])
                }
            }
        }
        return logits
    }

    /// Σ −log p over the row's targets.
    func loss(_ parameters: ReferenceParameters, _ example: TrainingExample) -> Double {
        guard !example.targets.isEmpty else { return 0 }
        let logits = logits(parameters, example)
        let (_, sum, largest) = Softmax.shiftedExponentials(logits)
        let logNormalizer = largest + DeterministicMath.log(sum)
        var total = 0.0
        for target in example.targets { total += logNormalizer - logits[target] }
        return total
    }

    /// The mean loss per target meal over `examples`, summed in their order; 0 with no targets.
    func meanLoss(_ parameters: ReferenceParameters, _ examples: [TrainingExample]) -> Double {
        var total = 0.0
        var meals = 0
        for example in examples {
            total += loss(parameters, example)
            meals += example.targets.count
        }
        return meals == 0 ? 0 : total / Double(meals)
    }

    /// Adds the gradient of the row's summed loss to each of its keys; returns its meal count
    /// and its loss (before the step), from the same softmax.
    ///
    /// With n targets, the gradient with respect to candidate c's logit is n·p(c) − (times c is
    /// a target); every key of the row receives it (the logit is a sum over keys): on its
    /// recipe bias directly, on a tag weight summed over the candidates with the tag, on the
    /// pantry and previous-plan weights weighted by the candidates' features.
    func accumulateGradient(
        _ parameters: ReferenceParameters, _ example: TrainingExample, into gradient: inout SparseGradient
    ) -> (meals: Int, loss: Double) {
        let targetCount = example.targets.count
        guard targetCount > 0 else { return (0, 0) }
        let logits = logits(parameters, example)
        let (exponentials, sum, largest) = Softmax.shiftedExponentials(logits)
        let logNormalizer = largest + DeterministicMath.log(sum)
        var loss = 0.0
        for target in example.targets { loss += logNormalizer - logits[target] }
        var logitGradient = exponentials
        let scale = Double(targetCount) / sum
        for position in logitGradient.indices { logitGradient[position] *= scale }
        for target in example.targets { logitGradient[target] -= 1 }

        var featureGradient = [Double](repeating: 0, count: parameters.featureCount)
        let pantryFeature = parameters.pantryFeature
        let previousFeature = parameters.previousFeature
        let recipeTags = binding.catalog.recipeTags
        for (position, recipe) in example.candidates.recipes.enumerated() {
            let g = logitGradient[position]
            for index in recipeTags.range(Int(recipe)) {
                let modelTag = binding.tags[Int(recipeTags.values[index])]
                if modelTag >= 0 { featureGradient[modelTag] += g }
            }
            featureGradient[pantryFeature] += g * example.candidates.pantryShares[position]
            if example.candidates.inPreviousPlan[position] { featureGradient[previousFeature] += g }
        }
        for key in example.keys where key >= 0 {
            let block = gradient.touch(key: key)
            for (position, recipe) in example.candidates.recipes.enumerated() {
                let modelRecipe = binding.recipes[Int(recipe)]
                if modelRecipe >= 0 { gradient.values[block + modelRecipe] += logitGradient[position] }
            }
            let features = block + parameters.recipeCount
            for feature in 0..<parameters.featureCount {
                gradient.values[features + feature] += featureGradient[feature]
            }
        }
        return (targetCount, loss)
    }
}

/// The gradient of one batch, kept per key block; only the blocks a batch touched are applied
/// and cleared.
struct SparseGradient {
    var values: [Double]
    let stride: Int
    private var touched: [Bool]
    private var touchedKeys: [Int] = []

    init(parameterCount: Int, stride: Int) {
        values = [Double](repeating: 0, count: parameterCount)
        self.stride = stride
        touched = [Bool](repeating: false, count: stride == 0 ? 0 : parameterCount / stride)
    }

    /// The offset of key `key`'s block, now marked as touched.
    mutating func touch(key: Int) -> Int {
        if !touched[key] {
            touched[key] = true
            touchedKeys.append(key)
        }
        return key * stride
    }

    /// One SGD step on the batch's mean gradient per meal, with L2 on the touched keys:
    /// θ ← θ − learningRate · (g / meals + l2 · θ).
    mutating func apply(to parameters: inout [Double], meals: Int, learningRate: Double, l2: Double) {
        defer {
            for key in touchedKeys { touched[key] = false }
            touchedKeys.removeAll(keepingCapacity: true)
        }
        guard meals > 0 else { return }
        let scale = 1 / Double(meals)
        for key in touchedKeys {
            for index in key * stride..<(key + 1) * stride {
                parameters[index] -= learningRate * (values[index] * scale + l2 * parameters[index])
                values[index] = 0
            }
        }
    }
}
