/// The reference model's vocabulary: the names its parameters are indexed by (the `tokenizer`
/// artifact). Recipes, tags, ingredients and allergens of the training catalogue, sorted.
struct ModelVocabulary: Sendable, Hashable {
    let recipes: Vocabulary
    let tags: Vocabulary
    let ingredients: Vocabulary
    let allergens: Vocabulary

    init(recipes: Vocabulary, tags: Vocabulary, ingredients: Vocabulary, allergens: Vocabulary) {
        self.recipes = recipes
        self.tags = tags
        self.ingredients = ingredients
        self.allergens = allergens
    }

    init(_ catalog: RecipeCatalog) {
        self.init(
            recipes: Vocabulary(sortedUnique: catalog.recipes.map(\.recipeID)), tags: catalog.tags,
            ingredients: catalog.ingredients, allergens: catalog.allergens)
    }

    /// Features per key: one per tag, then the pantry share and the previous-plan flag.
    var featureCount: Int { tags.count + 2 }
    var pantryFeature: Int { tags.count }
    var previousFeature: Int { tags.count + 1 }

    var featureNames: [String] { tags.names.map { "tag:" + $0 } + ["pantry_share", "in_previous_plan"] }
}

/// The learned values: for each key (sorted), a bias per recipe followed by a weight per
/// feature, in one flat array.
///
/// The logit of recipe r for an input is the sum, over the input's keys that are in the model
/// (coarsest first), of bias[key][r] + Σ weight[key][tag] over r's tags + weight[key][pantry] ·
/// pantry share of r + weight[key][previous] · (r in the previous plan ? 1 : 0).
struct ReferenceParameters: Sendable, Hashable {
    let vocabulary: ModelVocabulary
    let keys: Vocabulary
    /// Training rows per key (in key order).
    let keyRows: [Int]
    var values: [Double]
    /// Key index by `ProfileKeys.hash`; -1 for a hash two keys share (then by name).
    private let keyByHash: [UInt64: Int]
    /// Values per key: the recipes' biases, then the features' weights.
    let stride: Int
    let recipeCount: Int
    let featureCount: Int

    init(vocabulary: ModelVocabulary, keys: Vocabulary, keyRows: [Int], values: [Double]) {
        self.vocabulary = vocabulary
        self.keys = keys
        self.keyRows = keyRows
        self.values = values
        recipeCount = vocabulary.recipes.count
        featureCount = vocabulary.featureCount
        stride = recipeCount + featureCount
        var byHash: [UInt64: Int] = [:]
        for (index, name) in keys.names.enumerated() {
            let hash = ProfileKeys.hash(name)
            byHash[hash] = byHash[hash] == nil ? index : -1
        }
        keyByHash = byHash
    }

    func offset(ofKey key: Int) -> Int { key * stride }

    /// Offset of key `key`'s first feature weight; the pantry and previous-plan weights are
    /// the last two.
    func featureOffset(ofKey key: Int) -> Int { key * stride + recipeCount }
    var pantryFeature: Int { featureCount - 2 }
    var previousFeature: Int { featureCount - 1 }

    /// For each profile level, the index of the input's key, or -1 when the model lacks it.
    func keyIndices(_ input: PreparedInput) -> [Int] {
        var indices = [Int](repeating: -1, count: input.profileKeys.count)
        for level in indices.indices {
            guard let index = keyByHash[input.profileKeyHashes[level]] else { continue }
            let name = input.profileKeys[level]
            indices[level] = index >= 0 ? (keys.names[index] == name ? index : -1) : keys.index[name] ?? -1
        }
        return indices
    }
}
