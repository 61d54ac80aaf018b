public import ExpctlModel

/// One stay of an ingredient in a household's pantry, as the `pantry_items` relation holds it.
public struct PantryItem: Sendable, Equatable {
    public var name: String
    public var quantity: Double
    public var unit: String
    public var validFrom: Timestamp
    /// When it was used up; nil while it is still in the pantry at the end of the simulation.
    public var validTo: Timestamp?

    var ingredientBit: UInt64

    /// Whether the item is in the pantry at `time` (the data contract's rule: from `validFrom`
    /// on, until `validTo` if there is one).
    public func isHeld(at time: Timestamp) -> Bool {
        validFrom <= time && (validTo.map { $0 > time } ?? true)
    }
}

/// A stay as the generator makes it: an ingredient index and seconds since 1970, cheap to
/// make again whenever a plan needs the pantry of its time.
struct PantryStay: Sendable {
    var ingredient: Int
    var quantity: Double
    var from: Int64
    var to: Int64?

    func isHeld(at seconds: Int64) -> Bool {
        from <= seconds && (to.map { $0 > seconds } ?? true)
    }
}

/// A household's pantry over the simulated days: it keeps a handful of ingredients, each of
/// which comes and goes (bought, used up, bought again), so the pantry at an event's time is
/// not the pantry at the end.
enum PantryGenerator {
    private static let day: Int64 = 86_400

    /// The stays of household `index`, ingredient by ingredient.
    static func stays(household index: Int, seed: UInt64, start: Timestamp, days: Int) -> [PantryStay] {
        var random = SplitMix64(seed: seed, stream: .pantry, index: index)
        var pool = Array(Vocabulary.ingredients.indices)
        var weights = Vocabulary.pantryUnits.map(\.weight)
        let first = start.seconds
        let end = first + Int64(days) * day
        var stays: [PantryStay] = []
        for _ in 0..<random.int(in: 5...10) {
            let pick = random.weightedIndex(weights)
            let ingredient = pool.remove(at: pick)
            weights.remove(at: pick)
            let quantities = Vocabulary.pantryUnits[ingredient].quantities
            var time = first - Int64(random.int(in: 0...14 * 86_400))
            var present = random.chance(0.55)
            while time < end {
                if present {
                    let until = time + Int64(random.int(in: 3 * 86_400...28 * 86_400))
                    stays.append(
                        PantryStay(
                            ingredient: ingredient, quantity: quantities[random.below(quantities.count)], from: time,
                            to: until < end ? until : nil))
                    time = until
                } else {
                    time += Int64(random.int(in: 2 * 86_400...35 * 86_400))
                }
                present.toggle()
            }
        }
        return stays
    }

    /// The stays as pantry items, ordered by `validFrom`, then name.
    static func items(_ stays: [PantryStay]) -> [PantryItem] {
        stays.map { stay in
            let (unit, _, _) = Vocabulary.pantryUnits[stay.ingredient]
            return PantryItem(
                name: Vocabulary.ingredients[stay.ingredient], quantity: stay.quantity, unit: unit,
                validFrom: Timestamp(seconds: stay.from), validTo: stay.to.map { Timestamp(seconds: $0) },
                ingredientBit: 1 << UInt64(stay.ingredient))
        }.sorted { ($0.validFrom, $0.name) < ($1.validFrom, $1.name) }
    }

    /// The ingredients held at `seconds`, as a mask of ingredient bits.
    static func mask(_ stays: [PantryStay], at seconds: Int64) -> UInt64 {
        var mask: UInt64 = 0
        for stay in stays where stay.isHeld(at: seconds) { mask |= 1 << UInt64(stay.ingredient) }
        return mask
    }

    /// The same for pantry items.
    static func mask(_ items: [PantryItem], at time: Timestamp) -> UInt64 {
        var mask: UInt64 = 0
        for item in items where item.isHeld(at: time) { mask |= item.ingredientBit }
        return mask
    }
}
