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

    /// Calls `body` with a view of `parameters` through which the static logits are read.
    func withStaticLogits<Result>(
        _ parameters: ReferenceParameters, _ body: (StaticLogitView) -> Result
    ) -> Result {
        parameters.values.withUnsafeBufferPointer { values in
            recipes.withUnsafeBufferPointer { modelRecipes in
                tags.withUnsafeBufferPointer { modelTags in
                    catalog.recipeTags.offsets.withUnsafeBufferPointer { tagOffsets in
                        catalog.recipeTags.values.withUnsafeBufferPointer { tagValues in
                            body(
                                StaticLogitView(
                                    values: values, modelRecipes: modelRecipes, modelTags: modelTags,
                                    tagOffsets: tagOffsets, tagValues: tagValues, stride: parameters.stride,
                                    recipeCount: parameters.recipeCount))
                        }
                    }
                }
            }
        }
    }
}

/// The parameters and a binding, as raw buffers valid inside `withStaticLogits`.
struct StaticLogitView {
    let values: UnsafeBufferPointer<Double>
    let modelRecipes: UnsafeBufferPointer<Int>
    let modelTags: UnsafeBufferPointer<Int>
    let tagOffsets: UnsafeBufferPointer<Int>
    let tagValues: UnsafeBufferPointer<Int32>
    let stride: Int
    /// The model's recipe count: where a key's feature weights start.
    let recipeCount: Int

    /// bias[key][r] + Σ weight[key][tag] over r's tags, in tag order: the part of a key's
    /// contribution to r's logit that does not depend on the input. Training and prediction
    /// both compute it here, so they add the same numbers in the same order.
    @inline(__always)
    func value(key: Int, recipe: Int) -> Double {
        let base = key * stride
        let modelRecipe = modelRecipes[recipe]
        var value = modelRecipe >= 0 ? values[base + modelRecipe] : 0
        let features = base + recipeCount
        for index in tagOffsets[recipe]..<tagOffsets[recipe + 1] {
            let modelTag = modelTags[Int(tagValues[index])]
            if modelTag >= 0 { value += values[features + modelTag] }
        }
        return value
    }

    func pantryWeight(key: Int) -> Double { values[key * stride + stride - 2] }
    func previousWeight(key: Int) -> Double { values[key * stride + stride - 1] }
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
