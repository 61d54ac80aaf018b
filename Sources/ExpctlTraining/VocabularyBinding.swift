/// The catalogue's recipes and tags in the model's vocabulary (-1: unknown to the model).
struct VocabularyBinding {
    let recipes: [Int]
    let tags: [Int]
    let catalog: RecipeCatalog

    init(catalog: RecipeCatalog, vocabulary: ModelVocabulary) {
        self.catalog = catalog
        recipes = catalog.recipes.map { vocabulary.recipes.index[$0.recipeID] ?? -1 }
        tags = catalog.tags.names.map { vocabulary.tags.index[$0] ?? -1 }
    }

    /// bias[key][r] + Σ weight[key][tag] over r's tags, in tag order: the part of a key's
    /// contribution to r's logit that does not depend on the input. Training and prediction
    /// both compute it here, so they add the same numbers in the same order.
    func staticLogit(_ parameters: ReferenceParameters, key: Int, recipe: Int) -> Double {
        let modelRecipe = recipes[recipe]
        var value = modelRecipe >= 0 ? parameters.values[parameters.offset(ofKey: key) + modelRecipe] : 0
        let features = parameters.featureOffset(ofKey: key)
        let recipeTags = catalog.recipeTags
        for index in recipeTags.range(recipe) {
            let modelTag = tags[Int(recipeTags.values[index])]
            if modelTag >= 0 { value += parameters.values[features + modelTag] }
        }
        return value
    }
}

/// One key's contribution to one recipe's logit, the one formula training and prediction share.
enum KeyContribution {
    @inline(__always)
    static func value(
        staticLogit: Double, pantryWeight: Double, pantryShare: Double, previousWeight: Double, inPreviousPlan: Bool
    ) -> Double {
        staticLogit + pantryWeight * pantryShare + (inPreviousPlan ? previousWeight : 0)
    }
}
