/// The admissible recipes (index order) with their input-dependent features: the support of
/// the model's distribution, for training and `ReferenceModel.distribution(for:)`.
struct CandidateFeatures {
    private(set) var recipes: [Int32] = []
    private(set) var pantryShares: [Double] = []
    private(set) var inPreviousPlan: [Bool] = []

    init(_ input: PreparedInput, _ catalog: RecipeCatalog) {
        let capacity = input.admissible.reduce(0) { $0 + $1.nonzeroBitCount }
        recipes.reserveCapacity(capacity)
        pantryShares.reserveCapacity(capacity)
        inPreviousPlan.reserveCapacity(capacity)
        input.forEachAdmissible { recipe, slot in
            recipes.append(Int32(recipe))
            pantryShares.append(slot >= 0 ? input.featurePantryShares[slot] : 0)
            inPreviousPlan.append(slot >= 0 && input.featureInPreviousPlan[slot])
        }
    }
}

/// The policy's candidates for an input: the admissible recipes whose meal fits the budget
/// alone, in index order, with where their features are and what their meal costs, and the
/// cheapest of them in cost order (`PlanBuilder`). They do not depend on the model.
struct PolicyCandidates {
    let recipes: [Int32]
    /// Each candidate's position in the input's feature list, or -1 when it has no features.
    let featureSlots: [Int32]
    /// Cost per serving × servings.
    let mealCosts: [Double]
    let byCost: [Int]

    /// Written straight into three columns of the admissible count's capacity.
    init(_ input: PreparedInput, _ catalog: RecipeCatalog) {
        let capacity = input.admissible.reduce(0) { $0 + $1.nonzeroBitCount }
        let servings = Double(input.servings)
        let budget = input.budget + PlanBuilder.budgetTolerance
        var slots: [Int32] = []
        var costs: [Double] = []
        recipes = [Int32](unsafeUninitializedCapacity: capacity) { recipes, recipeCount in
            slots = [Int32](unsafeUninitializedCapacity: capacity) { slots, slotCount in
                costs = [Double](unsafeUninitializedCapacity: capacity) { costs, costCount in
                    catalog.costs.withUnsafeBufferPointer { recipeCosts in
                        var count = 0
                        input.forEachAdmissible { recipe, slot in
                            let cost = recipeCosts[recipe] * servings
                            guard cost <= budget else { return }
                            recipes.initializeElement(at: count, to: Int32(recipe))
                            slots.initializeElement(at: count, to: Int32(slot))
                            costs.initializeElement(at: count, to: cost)
                            count += 1
                        }
                        costCount = count
                    }
                }
                slotCount = costs.count
            }
            recipeCount = costs.count
        }
        featureSlots = slots
        mealCosts = costs
        byCost = Self.cheapest(recipes, catalog)
    }

    /// The positions of the first `PlanBuilder.costPrefix` candidates in cost order, from the
    /// catalogue's cost order. (Meal costs are cost per serving × the same servings, so the
    /// order is the same, but for meals whose costs become equal; the builder uses only the
    /// costs of the prefix, so the order among equal costs does not change a plan.)
    private static func cheapest(_ recipes: [Int32], _ catalog: RecipeCatalog) -> [Int] {
        var positions: [Int] = []
        positions.reserveCapacity(PlanBuilder.costPrefix)
        for recipe in catalog.recipesByCost where positions.count < PlanBuilder.costPrefix {
            var low = 0
            var high = recipes.count
            while low < high {
                let middle = (low + high) / 2
                if recipes[middle] < recipe { low = middle + 1 } else { high = middle }
            }
            if low < recipes.count, recipes[low] == recipe { positions.append(low) }
        }
        return positions
    }
}

extension PreparedInput {
    /// Calls `body` with each admissible recipe, in index order, and its position in the
    /// feature list (-1 when it has none): one pass over the bits and the sorted list.
    @inline(__always)
    func forEachAdmissible(_ body: (_ recipe: Int, _ featureSlot: Int) -> Void) {
        var cursor = 0
        featureRecipes.withUnsafeBufferPointer { features in
            for (word, bits) in admissible.enumerated() {
                var remaining = bits
                while remaining != 0 {
                    let recipe = word * 64 + remaining.trailingZeroBitCount
                    remaining &= remaining - 1
                    let code = Int32(recipe)
                    while cursor < features.count, features[cursor] < code { cursor += 1 }
                    body(recipe, cursor < features.count && features[cursor] == code ? cursor : -1)
                }
            }
        }
    }
}
