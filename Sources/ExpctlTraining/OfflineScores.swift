/// The score formulas (docs/evaluation.md), on interned plans of at most seven meals.
extension OfflineScorer {
    static func distinctRecipes(_ meals: [EncodedMeal]) -> [Int32] {
        var recipes: [Int32] = []
        for meal in meals where !recipes.contains(meal.recipe) { recipes.append(meal.recipe) }
        return recipes
    }

    /// |P ∩ A| / max(|P|, |A|) over the distinct recipes; 1 when both plans are empty.
    static func alignment(_ predicted: [Int32], _ accepted: [Int32]) -> Double {
        let denominator = max(predicted.count, accepted.count)
        guard denominator > 0 else { return 1 }
        let shared = predicted.reduce(0) { $0 + (accepted.contains($1) ? 1 : 0) }
        return Double(shared) / Double(denominator)
    }

    /// The mean of recipe variety (distinct recipes / 7) and tag variety (the mean, over pairs
    /// of meals, of 1 − Jaccard similarity of their tags; 0 for the same recipe, 1 for two
    /// different recipes without tags; 0 with fewer than two meals).
    func diversity(_ meals: [EncodedMeal], distinctCount: Int) -> Double {
        let recipeVariety = min(1, Double(distinctCount) / Double(Weekday.allCases.count))
        guard meals.count >= 2 else { return recipeVariety / 2 }
        var dissimilarity = 0.0
        var pairs = 0
        for first in 0..<meals.count {
            for second in first + 1..<meals.count {
                pairs += 1
                let a = meals[first].recipe
                let b = meals[second].recipe
                guard a != b else { continue }
                dissimilarity += 1 - tagJaccard(a, b)
            }
        }
        return (recipeVariety + dissimilarity / Double(pairs)) / 2
    }

    /// |tags(a) ∩ tags(b)| / |tags(a) ∪ tags(b)|, 0 when both have none; a recipe the
    /// catalogue lacks has none. Bit masks when the catalogue has at most 64 tags.
    private func tagJaccard(_ a: Int32, _ b: Int32) -> Double {
        guard a >= 0, b >= 0 else { return 0 }
        let shared: Int
        let union: Int
        if let masks = catalog.recipeTagMasks {
            shared = (masks[Int(a)] & masks[Int(b)]).nonzeroBitCount
            union = (masks[Int(a)] | masks[Int(b)]).nonzeroBitCount
        } else {
            let tags = catalog.recipeTags
            shared = Self.sortedIntersectionCount(tags, tags.range(Int(a)), tags.range(Int(b)))
            union = tags.range(Int(a)).count + tags.range(Int(b)).count - shared
        }
        return union == 0 ? 0 : Double(shared) / Double(union)
    }

    /// How many values two sorted ranges of `lists.values` share.
    static func sortedIntersectionCount(_ lists: CompactLists, _ left: Range<Int>, _ right: Range<Int>) -> Int {
        var i = left.lowerBound
        var j = right.lowerBound
        var shared = 0
        while i < left.upperBound, j < right.upperBound {
            let x = lists.values[i]
            let y = lists.values[j]
            if x == y {
                shared += 1
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return shared
    }

    /// The share of the pantry's distinct item names (quantity > 0) that some planned recipe
    /// uses; 1 for an empty pantry (nothing to use up).
    func leftovers(_ meals: [EncodedMeal], _ input: PreparedInput) -> Double {
        guard input.pantryNameCount > 0 else { return 1 }
        let pantry = input.pantryIngredients
        let lists = catalog.recipeIngredients
        /// Calls `mark` with the position in the pantry list of each pantry ingredient a meal
        /// uses: one merge per meal, both lists sorted.
        func forEachUse(_ mark: (Int) -> Void) {
            for meal in meals where meal.recipe >= 0 {
                var next = 0
                for index in lists.range(Int(meal.recipe)) {
                    let ingredient = lists.values[index]
                    while next < pantry.count, pantry[next] < ingredient { next += 1 }
                    guard next < pantry.count else { break }
                    if pantry[next] == ingredient { mark(next) }
                }
            }
        }
        var used = 0
        if pantry.count <= 64 {
            var covered: UInt64 = 0
            forEachUse { covered |= 1 << UInt64($0) }
            used = covered.nonzeroBitCount
        } else {
            var covered = [Bool](repeating: false, count: pantry.count)
            forEachUse { covered[$0] = true }
            used = covered.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        return Double(used) / Double(input.pantryNameCount)
    }

    /// Every broken rule: per meal an unknown recipe, a restricted allergen, an excluded
    /// ingredient, a prep time over the limit; for the plan, a cost over the budget (with the
    /// policy's tolerance of 1e-9 for rounding).
    func violations(_ meals: [EncodedMeal], _ unknown: [String], _ input: PreparedInput) -> [ConstraintViolation] {
        var violations: [ConstraintViolation] = []
        var total = 0.0
        for meal in meals {
            let day = Weekday(rawValue: meal.day)!
            guard meal.recipe >= 0 else {
                violations.append(.unknownRecipe(day: day, recipeID: unknown[Int(-1 - meal.recipe)]))
                continue
            }
            let recipe = Int(meal.recipe)
            total += catalog.costs[recipe] * Double(meal.servings)
            if input.isAdmissible(recipe) { continue }
            let id = catalog.recipes[recipe].recipeID
            for allergen in catalog.recipeAllergens[recipe] where input.forbiddenAllergens.contains(allergen) {
                violations.append(.allergen(day: day, recipeID: id, allergen: catalog.allergens.names[Int(allergen)]))
            }
            for ingredient in catalog.recipeIngredients[recipe] where input.excludedIngredients.contains(ingredient) {
                violations.append(
                    .excludedIngredient(day: day, recipeID: id, ingredient: catalog.ingredients.names[Int(ingredient)]))
            }
            if catalog.prepTimes[recipe] > input.maxPrepTime {
                violations.append(
                    .prepTime(day: day, recipeID: id, minutes: catalog.prepTimes[recipe], limit: input.maxPrepTime))
            }
        }
        if total > input.budget + PlanBuilder.budgetTolerance {
            violations.append(.budget(total: total, budget: input.budget))
        }
        return violations
    }

    /// The fewest edits that turn the predicted plan into the accepted one when meals may move
    /// between days: max(|P|, |A|) − m swaps, where m meals of A are matched to meals of P with
    /// the same recipe (same day first), plus one servings adjustment per matched pair whose
    /// servings differ.
    static func editsToAccepted(_ predicted: [EncodedMeal], _ accepted: [EncodedMeal]) -> Int {
        var isMatched = [Bool](repeating: false, count: predicted.count)
        var matched = 0
        var adjustments = 0
        for meal in accepted {
            var pick = -1
            for index in predicted.indices where !isMatched[index] && predicted[index].recipe == meal.recipe {
                if predicted[index].day == meal.day {
                    pick = index
                    break
                }
                if pick < 0 { pick = index }
            }
            guard pick >= 0 else { continue }
            isMatched[pick] = true
            matched += 1
            if predicted[pick].servings != meal.servings { adjustments += 1 }
        }
        return max(predicted.count, accepted.count) - matched + adjustments
    }
}
