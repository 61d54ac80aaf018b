/// The hidden preference model: how much a household likes a recipe. Users edit generated
/// plans by it, so accepted plans carry signal that a model can learn and the incumbent policy
/// (which only knows popularity) ignores. Nothing of it is written to the database.
///
/// utility(household, recipe) = Σ over the household's profile features (its size bucket, its
/// region, each of its preferences) and the recipe's tags of affinity[feature][tag]
///   + a bonus per recipe ingredient in the pantry at the time (stronger when planning
///     pantry-first)
///   + a small noise of the household's own for the recipe.
struct PreferenceModel: Sendable {
    static let pantryBonus = 0.35
    static let pantryFirstBonus = 1.1
    static let noiseScale = 0.4

    private static let sizeBuckets = ["single", "couple", "family", "large"]
    private let seed: UInt64
    /// affinity[feature][tag]: features are the size buckets, then the regions, then one per
    /// tag a household may prefer.
    private let affinity: [[Double]]

    init(seed: UInt64) {
        self.seed = seed
        var random = SplitMix64(seed: seed, stream: .affinity)
        let tags = Vocabulary.tags
        let featureCount = Self.sizeBuckets.count + Vocabulary.regions.count + tags.count
        var affinity = (0..<featureCount).map { _ in tags.map { _ in 0.35 * random.normal() } }
        func add(_ feature: Int, _ tag: String, _ amount: Double) { affinity[feature][Vocabulary.tag(tag)] += amount }
        // Households with children like kid-friendly food; people alone like it quick.
        add(Self.sizeFeature("single"), "quick", 0.8)
        add(Self.sizeFeature("couple"), "healthy", 0.4)
        add(Self.sizeFeature("family"), "kid-friendly", 1.2)
        add(Self.sizeFeature("large"), "kid-friendly", 1.0)
        add(Self.sizeFeature("large"), "comfort", 0.5)
        // Regions lean towards some cuisines and away from others.
        for region in Vocabulary.regions.indices {
            for cuisine in Vocabulary.cuisineTags {
                add(Self.sizeBuckets.count + region, cuisine, 0.8 * random.normal())
            }
        }
        // A preference for a tag is a strong liking for recipes that carry it.
        for tag in tags { add(Self.preferenceFeature(tag), tag, 2.0) }
        add(Self.preferenceFeature("vegan"), "vegetarian", 1.0)
        add(Self.preferenceFeature("vegetarian"), "high-protein", -0.5)
        self.affinity = affinity
    }

    private static func sizeFeature(_ bucket: String) -> Int { sizeBuckets.firstIndex(of: bucket)! }
    private static func preferenceFeature(_ tag: String) -> Int {
        sizeBuckets.count + Vocabulary.regions.count + Vocabulary.tag(tag)
    }

    /// The household's utility of each recipe without the pantry bonus: affinity plus noise.
    func taste(of household: Household, recipes: [Recipe]) -> Taste {
        var features = [
            Self.sizeFeature(household.sizeBucket),
            Self.sizeBuckets.count + Vocabulary.regions.firstIndex(of: household.region)!,
        ]
        features += household.preferences.map(Self.preferenceFeature)
        var noise = SplitMix64(seed: seed, stream: .noise, index: household.index)
        let base = recipes.map { recipe in
            var sum = 0.0
            for feature in features {
                for tag in recipe.tagIndices { sum += affinity[feature][tag] }
            }
            return sum + Self.noiseScale * noise.normal()
        }
        return Taste(base: base)
    }
}

/// One household's hidden utilities.
struct Taste: Sendable {
    /// Affinity plus noise, by recipe index.
    var base: [Double]

    /// The full utility of recipe `index` with `pantry` (a mask of ingredient bits) at hand.
    func utility(_ index: Int, recipe: Recipe, pantry: UInt64, workflow: WorkflowType) -> Double {
        let held = (recipe.ingredientMask & pantry).nonzeroBitCount
        let bonus = workflow == .pantryFirst ? PreferenceModel.pantryFirstBonus : PreferenceModel.pantryBonus
        return base[index] + bonus * Double(held)
    }
}
