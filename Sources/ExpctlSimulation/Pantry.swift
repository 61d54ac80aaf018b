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

/// A household's pantry over the simulated days: it keeps a handful of ingredients, each of
/// which comes and goes (bought, used up, bought again), so the pantry at an event's time is
/// not the pantry at the end.
enum PantryGenerator {
    static func generate(for household: Household, seed: UInt64, start: Timestamp, days: Int) -> [PantryItem] {
        var random = SplitMix64(seed: seed, stream: .pantry, index: household.index)
        var pool = Vocabulary.ingredients
        var kept: [String] = []
        for _ in 0..<random.int(in: 5...10) {
            let pick = random.weightedIndex(pool.map { Vocabulary.pantryUnit($0).weight })
            kept.append(pool.remove(at: pick))
        }
        let first = start.seconds
        let end = first + Int64(days) * day
        var items: [PantryItem] = []
        for name in kept {
            let (unit, quantities, _) = Vocabulary.pantryUnit(name)
            let bit: UInt64 = 1 << UInt64(Vocabulary.ingredient(name))
            var time = first - Int64(random.int(in: 0...14 * 86_400))
            var present = random.chance(0.55)
            while time < end {
                if present {
                    let until = time + Int64(random.int(in: 3 * 86_400...28 * 86_400))
                    items.append(
                        PantryItem(
                            name: name, quantity: quantities[random.below(quantities.count)], unit: unit,
                            validFrom: Timestamp(seconds: time), validTo: until < end ? Timestamp(seconds: until) : nil,
                            ingredientBit: bit))
                    time = until
                } else {
                    time += Int64(random.int(in: 2 * 86_400...35 * 86_400))
                }
                present.toggle()
            }
        }
        return items.sorted { ($0.validFrom, $0.name) < ($1.validFrom, $1.name) }
    }

    /// The ingredients held at `time`, as a mask of ingredient bits.
    static func mask(_ items: [PantryItem], at time: Timestamp) -> UInt64 {
        var mask: UInt64 = 0
        for item in items where item.isHeld(at: time) { mask |= item.ingredientBit }
        return mask
    }

    private static let day: Int64 = 86_400
}
