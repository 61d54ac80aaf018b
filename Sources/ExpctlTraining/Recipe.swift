/// A recipe of the catalogue (one line of a dataset's `recipes.jsonl`).
public struct Recipe: Sendable, Hashable {
    public var recipeID: String
    public var name: String
    public var ingredients: [String]
    public var tags: [String]
    public var allergens: [String]
    /// Minutes.
    public var prepTime: Int
    public var costPerServing: Double

    public init(
        recipeID: String, name: String, ingredients: [String], tags: [String], allergens: [String], prepTime: Int,
        costPerServing: Double
    ) {
        self.recipeID = recipeID
        self.name = name
        self.ingredients = ingredients
        self.tags = tags
        self.allergens = allergens
        self.prepTime = prepTime
        self.costPerServing = costPerServing
    }
}

/// How a household restriction forbids recipes (docs/datasets.md): `nut-allergy` and
/// `nut-free` both name the allergen `nut`; a restriction with neither suffix is the allergen.
public enum Restriction {
    public static func allergen(of restriction: String) -> String {
        for suffix in ["-allergy", "-free"] where restriction.hasSuffix(suffix) && restriction.count > suffix.count {
            return String(restriction.dropLast(suffix.count))
        }
        return restriction
    }
}
