/// Turning ranked candidates into a week of meals within a budget.
///
/// The candidates already keep every per-meal rule (allergens, excluded ingredients, prep time)
/// and each fits the budget alone. The builder plans as many days as the budget allows, up to
/// seven: n = the largest count with n × (cheapest meal) ≤ budget. Then, day by day, it takes
/// the best-ranked candidate (score descending, ties by recipe index = recipe id) that leaves
/// enough budget for the remaining days:
///
/// 1. an unused recipe, if the remaining days can still be filled with distinct unused recipes
///    (the cheapest ones are the reserve);
/// 2. else an unused recipe, if the remaining days can be filled by repeating the cheapest meal;
/// 3. else a recipe already planned, on the same condition (a repeat: only when distinct recipes
///    cannot fill the week within the budget).
///
/// With no candidate at all, or a budget below the cheapest meal, the plan is empty: the best
/// the policy can do is plan fewer meals than break a constraint. Meals go to monday, tuesday, …
/// in the order they were chosen.
enum PlanBuilder {
    static let days = 7

    /// Slack for the floating-point sum of meal costs against the budget (the scorer's too).
    static let budgetTolerance = 1e-9

    /// Enough of the cost order for any reserve: the remaining days (at most 6), the meals
    /// already chosen (at most 6) and the candidate itself.
    static let costPrefix = 16

    /// `candidates` are recipe indices in increasing order, so a tie between positions is a tie
    /// broken by recipe id.
    /// `byCost` is the first `costPrefix` positions in cost order (ties by position).
    static func choose(
        candidates: [Int32], scores: [Double], mealCosts: [Double], byCost: [Int], budget: Double
    ) -> [Int32] {
        guard !candidates.isEmpty else { return [] }
        let byRank = RankOrder(scores, descending: true)
        let cheapest = mealCosts[byCost[0]]
        // Every comparison with the budget allows the tolerance: sums of the same costs in other
        // orders differ in the last bits, and a week that fits exactly must stay feasible.
        let limit = budget + budgetTolerance
        var mealCount = 0
        var total = 0.0
        while mealCount < days, total + cheapest <= limit {
            total += cheapest
            mealCount += 1
        }
        var used = [Bool](repeating: false, count: candidates.count)
        var chosen: [Int] = []
        chosen.reserveCapacity(days)
        var spent = 0.0
        var reserve = DistinctReserve(byCost: byCost, mealCosts: mealCosts)
        for day in 0..<mealCount {
            let remaining = mealCount - 1 - day
            let cheapestFill = Double(remaining) * cheapest
            reserve.update(remaining: remaining, used: used)
            let pick =
                byRank.first { !used[$0] && spent + mealCosts[$0] + reserve.amount(besides: $0) <= limit }
                ?? byRank.first { !used[$0] && spent + mealCosts[$0] + cheapestFill <= limit }
                ?? byRank.first { used[$0] && spent + mealCosts[$0] + cheapestFill <= limit }
            guard let pick else { break }
            used[pick] = true
            chosen.append(pick)
            spent += mealCosts[pick]
        }
        // The plan's own sum, in day order as the scorer takes it: drop the dearest meal in the
        // (theoretical) case that rounding let it pass the limit.
        while !chosen.isEmpty, chosen.reduce(0.0, { $0 + mealCosts[$1] }) > limit {
            chosen.remove(at: chosen.indices.max { mealCosts[chosen[$0]] < mealCosts[chosen[$1]] }!)
        }
        return chosen.map { candidates[$0] }
    }

}

/// What the remaining days cost at least with distinct unused recipes: the cheapest
/// `remaining` unused ones other than the candidate, summed in cost order. Infinite when there
/// are not enough of them.
private struct DistinctReserve {
    private let byCost: [Int]
    private let mealCosts: [Double]
    /// The first `cheapestCount` entries: the `remaining + 1` cheapest unused candidates (fewer
    /// when there are not so many).
    private var cheapest: [Int]
    private var cheapestCount = 0
    private var remaining = 0
    /// The reserve of a candidate outside the first `remaining` cheapest.
    private var common = 0.0

    init(byCost: [Int], mealCosts: [Double]) {
        self.byCost = byCost
        self.mealCosts = mealCosts
        cheapest = [Int](repeating: 0, count: PlanBuilder.days + 1)
    }

    mutating func update(remaining: Int, used: [Bool]) {
        self.remaining = remaining
        cheapestCount = 0
        for position in byCost where cheapestCount <= remaining && !used[position] {
            cheapest[cheapestCount] = position
            cheapestCount += 1
        }
        if cheapestCount >= remaining {
            var sum = 0.0
            for index in 0..<remaining { sum += mealCosts[cheapest[index]] }
            common = sum
        } else {
            common = .infinity
        }
    }

    func amount(besides candidate: Int) -> Double {
        var isCheap = false
        for index in 0..<min(remaining, cheapestCount) where cheapest[index] == candidate { isCheap = true }
        guard isCheap else { return common }
        guard cheapestCount > remaining else { return .infinity }
        var sum = 0.0
        for index in 0..<cheapestCount where cheapest[index] != candidate { sum += mealCosts[cheapest[index]] }
        return sum
    }
}

/// Positions 0..<count ordered by a value (descending or ascending), ties by position. Only
/// the first few are sorted (a bounded insertion); a search that finds nothing among them
/// takes the best match of one linear scan, which is the same answer as scanning the full
/// order, without sorting it.
struct RankOrder {
    /// A week is seven meals: the first eight usually hold every pick.
    static let prefixLength = 8

    private let values: [Double]
    private let descending: Bool
    private let prefix: [Int]

    init(_ values: [Double], descending: Bool) {
        self.values = values
        self.descending = descending
        prefix = RankOrder.leading(RankOrder.prefixLength, of: values, descending: descending)
    }

    /// The first position in the order that satisfies `predicate`.
    func first(where predicate: (Int) -> Bool) -> Int? {
        if let found = prefix.first(where: predicate) { return found }
        guard prefix.count < values.count else { return nil }
        var best = -1
        for position in values.indices where predicate(position) {
            // Positions increase, so only a strictly better value replaces the best so far.
            if best < 0 || (descending ? values[position] > values[best] : values[position] < values[best]) {
                best = position
            }
        }
        return best < 0 ? nil : best
    }

    /// The first `k` positions in the order, by a bounded insertion. Positions arrive in
    /// increasing order, so a new one goes after every equal value already kept.
    static func leading(_ k: Int, of values: [Double], descending: Bool) -> [Int] {
        let capacity = min(k, values.count)
        guard capacity > 0 else { return [] }
        var positions = [Int](repeating: 0, count: capacity)
        var kept = [Double](repeating: 0, count: capacity)
        var count = 0
        values.withUnsafeBufferPointer { values in
            positions.withUnsafeMutableBufferPointer { positions in
                kept.withUnsafeMutableBufferPointer { kept in
                    for position in 0..<values.count {
                        let value = values[position]
                        if count == capacity {
                            let last = kept[capacity - 1]
                            if descending ? !(value > last) : !(value < last) { continue }
                        } else {
                            count += 1
                        }
                        var slot = count - 1
                        while slot > 0, descending ? value > kept[slot - 1] : value < kept[slot - 1] {
                            kept[slot] = kept[slot - 1]
                            positions[slot] = positions[slot - 1]
                            slot -= 1
                        }
                        kept[slot] = value
                        positions[slot] = position
                    }
                }
            }
        }
        return positions
    }
}
