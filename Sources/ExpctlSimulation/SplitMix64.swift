/// SplitMix64 (Steele, Lea and Flood): a small, fast generator whose output depends on the seed
/// alone, on every platform and Swift version (the standard library's `random(in:using:)`
/// algorithms may change, so none of them is used here).
///
/// Every part of the world draws from its own stream, derived from the seed and a key (the
/// part, the household), so a household's data does not depend on how many came before it and
/// can be generated again, alone, whenever a table needs it.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A stream of its own for `stream` (a part of the world), `index` (e.g. a household) and
    /// `subindex` (e.g. a week of that household).
    init(seed: UInt64, stream: Stream, index: Int = 0, subindex: Int = 0) {
        let streamKey = SplitMix64.mix(seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03))
        let indexKey = SplitMix64.mix(streamKey &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        state = SplitMix64.mix(indexKey &+ UInt64(truncatingIfNeeded: subindex) &* 0xC2B2_AE3D_27D4_EB4F)
    }

    /// The parts of the world that draw numbers, each from its own stream.
    enum Stream: UInt64 {
        case recipes = 1
        case popularity, affinity, household, habits, pantry, schedule, plans, noise
        /// Online traffic (`simulate --experiment`): a unit's visits, their outcomes, the
        /// assignment rows dropped, plan ids.
        case trafficVisits, trafficOutcomes, trafficDrops, trafficPlanIDs
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijection that scatters nearby inputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in 0..<1 (53 random bits).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<count (Lemire's multiply-high, without the rejection step: the
    /// bias is below 2^-50 for the small ranges used here).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0, "a range must not be empty")
        return Int(next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// A uniform number in `range`.
    mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// An approximately standard normal number: the Irwin–Hall sum of four uniforms, centred and
    /// scaled. Arithmetic only, so the same seed gives the same bits everywhere (no libm).
    mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2) * 1.732_050_807_568_877_2
    }

    /// The same shape from one draw: four 16-bit uniforms instead of four 53-bit ones, for the
    /// noise drawn for every recipe of every household.
    mutating func quickNormal() -> Double {
        let bits = next()
        let sum = (bits & 0xFFFF) + (bits >> 16 & 0xFFFF) + (bits >> 32 & 0xFFFF) + (bits >> 48)
        return (Double(sum) * 0x1.0p-16 - 2) * 1.732_050_807_568_877_2
    }

    /// An index drawn with probability proportional to `weights[index]` (all non-negative, at
    /// least one positive).
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        var remaining = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            remaining -= weight
            if remaining < 0 { return index }
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? 0
    }

    /// `count` distinct elements of `items`, in the order drawn.
    mutating func sample<T>(_ items: [T], count: Int) -> [T] {
        var pool = items
        var chosen: [T] = []
        for _ in 0..<min(count, pool.count) { chosen.append(pool.remove(at: below(pool.count))) }
        return chosen
    }

    /// `items` in a uniformly random order (Fisher–Yates).
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var items = items
        for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, below(index + 1)) }
        return items
    }
}
