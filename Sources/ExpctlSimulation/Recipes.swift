/// One recipe of the catalogue, as the `recipes` relation holds it.
public struct Recipe: Sendable, Equatable {
    /// `r0001`, `r0002`, ... in catalogue order.
    public var id: String
    public var name: String
    public var ingredients: [String]
    /// A cuisine tag first, then style tags in `Vocabulary.tags` order.
    public var tags: [String]
    public var allergens: [String]
    /// Minutes.
    public var prepTime: Int
    /// Dollars, in whole cents.
    public var costPerServing: Double
}

/// What planning reads about every recipe, by recipe index, in flat arrays: planning runs a
/// few million times and must not copy `Recipe` values (and retain their arrays) to do it.
struct RecipeFacts: Sendable {
    let ingredientMasks: [UInt64]
    let allergenMasks: [UInt8]
    let prepTimes: [Int]
    let costs: [Double]
    /// The tags of recipe `r` are `tags[tagStarts[r]..<tagStarts[r + 1]]` (tag indices).
    let tagStarts: [Int]
    let tags: [Int]

    init(_ recipes: [Recipe]) {
        ingredientMasks = recipes.map { Vocabulary.mask($0.ingredients) }
        allergenMasks = recipes.map { Vocabulary.allergenMask($0.allergens) }
        prepTimes = recipes.map(\.prepTime)
        costs = recipes.map(\.costPerServing)
        var starts = [0]
        var tags: [Int] = []
        for recipe in recipes {
            tags += recipe.tags.map(Vocabulary.tag)
            starts.append(tags.count)
        }
        tagStarts = starts
        self.tags = tags
    }

    var count: Int { costs.count }
}

/// Builds the recipe catalogue: 160 to 240 recipes, each a distinct cuisine, protein and dish
/// form, with the ingredients, tags, allergens, time and cost that follow from them.
enum RecipeCatalogue {
    static func generate(seed: UInt64) -> [Recipe] {
        var random = SplitMix64(seed: seed, stream: .recipes)
        var combinations: [(cuisine: Cuisine, protein: Protein, form: DishForm)] = []
        for cuisine in Vocabulary.cuisines {
            for formName in cuisine.forms {
                guard let form = Vocabulary.forms[formName] else {
                    preconditionFailure("unknown dish form \(formName)")
                }
                for protein in Vocabulary.proteins { combinations.append((cuisine, protein, form)) }
            }
        }
        let count = random.int(in: 160...240)
        let chosen = random.shuffled(combinations).prefix(count)
        return chosen.enumerated().map { offset, combination in
            recipe(number: offset + 1, combination.cuisine, combination.protein, combination.form, &random)
        }
    }

    private static func recipe(
        number: Int, _ cuisine: Cuisine, _ protein: Protein, _ form: DishForm, _ random: inout SplitMix64
    ) -> Recipe {
        var ingredients = [protein.ingredient]
        if !form.bases.isEmpty { ingredients.append(form.bases[random.below(form.bases.count)]) }
        for extra in random.sample(cuisine.ingredients, count: random.int(in: 2...4)) where !ingredients.contains(extra)
        {
            ingredients.append(extra)
        }
        let spicy = random.chance(cuisine.spicyChance)
        if spicy, !ingredients.contains("chili"), !ingredients.contains("curry paste") { ingredients.append("chili") }

        let allergens = Vocabulary.allergens.filter { allergen in
            ingredients.contains { Vocabulary.allergensOfIngredient[$0]?.contains(allergen) == true }
        }
        let prepTime = max(10, (form.prepMinutes + protein.extraMinutes + random.int(in: -1...2) * 5) / 5 * 5)
        let cents = Int(
            ((protein.costPerServing + 0.5 + Double(ingredients.count - 1) * 0.35 + random.double(in: 0...1.5))
                * 100).rounded())

        let vegetarian = !protein.isMeatOrFish
        let vegan = vegetarian && !allergens.contains("dairy") && !allergens.contains("egg")
        let hot = ingredients.contains("chili") || ingredients.contains("curry paste")
        var style: Set<String> = Set(form.tags)
        if vegetarian { style.insert("vegetarian") }
        if vegan { style.insert("vegan") }
        if hot {
            style.insert("spicy")
            style.remove("kid-friendly")
        }
        if prepTime <= 25 { style.insert("quick") }
        if protein.isMeatOrFish || ["tofu", "paneer", "lentils"].contains(protein.ingredient) {
            style.insert("high-protein")
        }
        let tags = [cuisine.tag] + Vocabulary.styleTags.filter(style.contains)

        return Recipe(
            id: "r" + zeroPadded(number, 4), name: "\(cuisine.display) \(protein.display) \(form.name)",
            ingredients: ingredients,
            tags: tags, allergens: allergens, prepTime: prepTime, costPerServing: Double(cents) / 100)
    }

    /// How much the incumbent policy favours each recipe: a Zipf-like weight over a random rank,
    /// unrelated to any household's taste.
    static func popularity(count: Int, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed, stream: .popularity)
        var weights = [Double](repeating: 0, count: count)
        for (rank, recipe) in random.shuffled(Array(0..<count)).enumerated() { weights[recipe] = 1 / Double(rank + 8) }
        return weights
    }
}

/// `value` in decimal with leading zeros to `width` digits.
func zeroPadded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
