/// The recipe catalogue, interned for the hot paths: recipes, ingredients, tags and allergens
/// are Int indices, and the lists the policy and the scorer scan are flat arrays.
///
/// Recipes are kept sorted by id, so a recipe's index is the same whatever the order of
/// `recipes.jsonl`, and "ties break by recipe id" is "ties break by index". Immutable; a class
/// so that passing it around never copies its tables.
public final class RecipeCatalog: Sendable {
    public let recipes: [Recipe]
    let recipeIndex: NameTable
    let ingredients: Vocabulary
    let tags: Vocabulary
    let allergens: Vocabulary
    /// Every spelling of a restriction that names a catalogue allergen (`nut`, `nut-allergy`,
    /// `nut-free`), to its allergen: no string is built per row.
    let restrictionAllergens: [String: Int]
    let recipeIngredients: CompactLists
    let recipeTags: CompactLists
    let recipeAllergens: CompactLists
    let recipesByIngredient: CompactLists
    let recipesByAllergen: CompactLists
    let prepTimes: [Int]
    let costs: [Double]
    /// The distinct prep times, ascending, and for each the bitset of recipes within it.
    let prepTimeLimits: [Int]
    let recipesWithinPrepTime: [[UInt64]]
    /// Each recipe's tags as a bit mask, when the catalogue has at most 64 tags.
    let recipeTagMasks: [UInt64]?
    /// Recipes by cost per serving, then index.
    let recipesByCost: [Int32]

    public var count: Int { recipes.count }

    public func index(of recipeID: String) -> Int? { recipeIndex[recipeID] }

    public func recipe(_ recipeID: String) -> Recipe? { recipeIndex[recipeID].map { recipes[$0] } }

    /// A catalogue of `recipes`; a repeated recipe id is an error naming its position (1-based).
    public convenience init(recipes: [Recipe]) throws(DatasetDecodingError) {
        try self.init(recipes: recipes, lines: Array(1...max(recipes.count, 1)))
    }

    init(recipes unsorted: [Recipe], lines: [Int]) throws(DatasetDecodingError) {
        var firstLine: [String: Int] = [:]
        for (position, recipe) in unsorted.enumerated() {
            if let first = firstLine[recipe.recipeID] {
                throw DatasetDecodingError(
                    line: lines[position], field: "recipe_id",
                    problem: "recipe '\(recipe.recipeID)' is already on line \(first)")
            }
            firstLine[recipe.recipeID] = lines[position]
        }
        let recipes = unsorted.sorted { $0.recipeID < $1.recipeID }
        self.recipes = recipes
        recipeIndex = NameTable(recipes.map(\.recipeID))
        ingredients = Vocabulary(recipes.flatMap(\.ingredients))
        tags = Vocabulary(recipes.flatMap(\.tags))
        allergens = Vocabulary(recipes.flatMap(\.allergens))
        var spellings: [String: Int] = [:]
        for allergen in allergens.names {
            for spelling in [allergen, allergen + "-allergy", allergen + "-free"] {
                if let index = allergens.index[Restriction.allergen(of: spelling)] { spellings[spelling] = index }
            }
        }
        restrictionAllergens = spellings
        let ingredients = self.ingredients
        let tags = self.tags
        let allergens = self.allergens
        recipeIngredients = CompactLists(recipes.map { $0.ingredients.map { ingredients.index[$0]! } })
        recipeTags = CompactLists(recipes.map { $0.tags.map { tags.index[$0]! } })
        recipeAllergens = CompactLists(recipes.map { $0.allergens.map { allergens.index[$0]! } })
        recipesByIngredient = recipeIngredients.inverted(count: ingredients.count)
        recipesByAllergen = recipeAllergens.inverted(count: allergens.count)
        let prepTimes = recipes.map(\.prepTime)
        self.prepTimes = prepTimes
        costs = recipes.map(\.costPerServing)
        prepTimeLimits = Set(prepTimes).sorted()
        var within = [UInt64](repeating: 0, count: (recipes.count + 63) / 64)
        var bitsets: [[UInt64]] = []
        let byPrepTime = recipes.indices.sorted { prepTimes[$0] < prepTimes[$1] }
        var next = 0
        for limit in prepTimeLimits {
            while next < byPrepTime.count, prepTimes[byPrepTime[next]] <= limit {
                within[byPrepTime[next] >> 6] |= 1 << UInt64(byPrepTime[next] & 63)
                next += 1
            }
            bitsets.append(within)
        }
        recipesWithinPrepTime = bitsets
        let costs = self.costs
        recipesByCost = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] < costs[$1] : $0 < $1 }
            .map { Int32($0) }
        let recipeTags = self.recipeTags
        recipeTagMasks =
            tags.count <= 64
            ? (0..<recipes.count).map { recipe in recipeTags[recipe].reduce(0) { $0 | 1 << UInt64($1) } } : nil
    }
}

/// Names and their indices, in sorted order.
struct Vocabulary: Sendable, Hashable {
    let names: [String]
    let index: NameTable

    init(_ names: some Sequence<String>) {
        self.init(sortedUnique: Array(Set(names)).sorted())
    }

    init(sortedUnique names: [String]) {
        self.names = names
        index = NameTable(names)
    }

    var count: Int { names.count }
}

/// A list of sorted, distinct Int32 lists in two flat arrays (compressed sparse rows).
struct CompactLists: Sendable, Hashable {
    let offsets: [Int]
    let values: [Int32]

    init(_ lists: [[Int]]) {
        var offsets = [0]
        var values: [Int32] = []
        for list in lists {
            values.append(contentsOf: Set(list).sorted().map { Int32($0) })
            offsets.append(values.count)
        }
        self.offsets = offsets
        self.values = values
    }

    var count: Int { offsets.count - 1 }

    /// The list at `position` as a slice; hot loops use `range(_:)` and `values`, which do not
    /// retain the storage for every list.
    subscript(position: Int) -> ArraySlice<Int32> { values[range(position)] }

    @inline(__always)
    func range(_ position: Int) -> Range<Int> { offsets[position]..<offsets[position + 1] }

    /// For lists of recipe → ingredient, the lists ingredient → recipe.
    func inverted(count: Int) -> CompactLists {
        var lists = [[Int]](repeating: [], count: count)
        for position in 0..<self.count {
            for value in self[position] { lists[Int(value)].append(position) }
        }
        return CompactLists(lists)
    }
}
