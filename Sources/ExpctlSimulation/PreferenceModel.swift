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
    func taste(of household: Household, recipes: RecipeFacts) -> Taste {
        var features = [
            Self.sizeFeature(household.sizeBucket),
            Self.sizeBuckets.count + Vocabulary.regions.firstIndex(of: household.region)!,
        ]
        features += household.preferences.map(Self.preferenceFeature)
        // The household's liking of each tag, then of each recipe as the sum over its tags.
        var tagScores = affinity[features[0]]
        for feature in features.dropFirst() {
            for tag in tagScores.indices { tagScores[tag] += affinity[feature][tag] }
        }
        var noise = SplitMix64(seed: seed, stream: .noise, index: household.index)
        var base = [Double](repeating: 0, count: recipes.count)
        var next = 0
        for recipe in base.indices {
            var sum = 0.0
            let end = recipes.tagStarts[recipe + 1]
            while next < end {
                sum += tagScores[recipes.tags[next]]
                next += 1
            }
            base[recipe] = sum + Self.noiseScale * noise.quickNormal()
        }
        return Taste(base: base, ingredientMasks: recipes.ingredientMasks)
    }
}

/// One household's hidden utilities.
struct Taste: Sendable {
    /// Affinity plus noise, by recipe index.
    let base: [Double]
    let ingredientMasks: [UInt64]

    /// The full utility of recipe `index` with `pantry` (a mask of ingredient bits) at hand.
    func utility(_ index: Int, pantry: UInt64, workflow: WorkflowType) -> Double {
        let held = (ingredientMasks[index] & pantry).nonzeroBitCount
        let bonus = workflow == .pantryFirst ? PreferenceModel.pantryFirstBonus : PreferenceModel.pantryBonus
        return base[index] + bonus * Double(held)
    }
}
