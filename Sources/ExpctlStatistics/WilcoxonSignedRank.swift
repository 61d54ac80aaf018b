import Foundation

/// The Wilcoxon signed-rank test for degradation, an optional check beside the paired t-test
/// for heavy-tailed continuous scores (docs/gates-statistics §1): H1 is that the differences
/// d′ = (candidate + δ) − baseline are shifted below zero. It reproduces
/// `scipy.stats.wilcoxon(candidate + δ, baseline, alternative='less', zero_method='wilcox')`.
public struct WilcoxonDegradationTest: Sendable, Hashable, Codable {
    public enum Method: Sendable, Hashable, Codable {
        /// The normal approximation, scipy's `method='asymptotic'` (with `correction`).
        case asymptotic(continuityCorrection: Bool)
        /// The exact null distribution of W⁺ given the observed ranks: scipy's `'exact'` when
        /// there are neither ties nor zeros, its exact permutation test over every sign flip
        /// otherwise. Costs O(n³) time: meant for small n.
        case exact
        /// scipy's `method='auto'`: asymptotic (without correction) when n > 50; exact when
        /// there are no ties and no zeros; exact (the permutation test) when n ≤ 13;
        /// asymptotic otherwise. n counts the zero differences too.
        case automatic
    }

    /// W⁺, the sum of the ranks of the positive d′ (scipy's `.statistic` for a one-sided test).
    public var statistic: Double
    /// How many d′ are not zero (the zeros are dropped, `zero_method='wilcox'`).
    public var nonzeroCount: Int
    public var zeroCount: Int
    /// Σ(t³ − t) over the groups of tied |d′|.
    public var tieCorrection: Double
    /// (W⁺ − μ)/σ, before any continuity correction.
    public var z: Double
    /// P(W⁺ this small or smaller under H0).
    public var pValue: Double
    /// The method that computed `pValue` (never `.automatic`).
    public var method: Method

    /// Scores are rounded to multiples of `quantum` before differencing, so that differences
    /// equal on paper (0.71 − 0.69 and 0.66 − 0.64) tie instead of being split by float noise.
    public init(
        candidate: [Double], baseline: [Double], margin: Double = 0,
        method: Method = .asymptotic(continuityCorrection: false),
        quantum: Double = 1e-12
    ) throws(StatisticsUnavailable) {
        precondition(candidate.count == baseline.count, "paired scores come in pairs")
        precondition(margin >= 0 && quantum > 0, "a margin is not negative and a quantum is positive")
        // Differences in units of `quantum`: integers, exact while below 2⁵³ quanta.
        let differences = zip(candidate, baseline).map {
            (($0 + margin) / quantum).rounded() - ($1 / quantum).rounded()
        }
        let nonzero = differences.filter { $0 != 0 }
        guard !nonzero.isEmpty else { throw .allDifferencesZero }
        let ranking = SignedRanks(nonzero)
        let n = Double(nonzero.count)
        let mean = n * (n + 1) / 4
        let standardDeviation = ((n * (n + 1) * (2 * n + 1) - 0.5 * ranking.tieCorrection) / 24).squareRoot()

        statistic = ranking.positiveRankSum
        nonzeroCount = nonzero.count
        zeroCount = differences.count - nonzero.count
        tieCorrection = ranking.tieCorrection
        z = (ranking.positiveRankSum - mean) / standardDeviation

        var chosen = method
        if case .automatic = method {
            let hasTies = ranking.tieCorrection > 0
            if differences.count > 50 {
                chosen = .asymptotic(continuityCorrection: false)
            } else if (!hasTies && zeroCount == 0) || differences.count <= 13 {
                chosen = .exact
            } else {
                chosen = .asymptotic(continuityCorrection: false)
            }
        }
        switch chosen {
        case .asymptotic(let corrected):
            // scipy's correction for 'less': z ← z − sgn·0.5/σ with sgn = −1.
            pValue = StandardNormal.cdf(corrected ? z + 0.5 / standardDeviation : z)
        case .exact, .automatic:
            pValue = ranking.exactLowerTail()
        }
        self.method = chosen
    }

    public func showsDegradation(alpha: Double) -> Bool { pValue < alpha }
}

/// The average ranks of |d| for non-zero d, and what the test needs of them.
private struct SignedRanks {
    /// Twice each average rank: an integer, since an average of consecutive ranks is k or k + ½.
    var doubledRanks: [Int] = []
    var positive: [Bool] = []
    var positiveRankSum = 0.0
    var tieCorrection = 0.0

    init(_ differences: [Double]) {
        let order = differences.indices.sorted { abs(differences[$0]) < abs(differences[$1]) }
        doubledRanks = Array(repeating: 0, count: differences.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, abs(differences[order[end]]) == abs(differences[order[start]]) { end += 1 }
            let doubledAverage = start + 1 + end  // (start + 1) + end: first plus last rank
            for index in order[start..<end] { doubledRanks[index] = doubledAverage }
            let size = Double(end - start)
            tieCorrection += size * size * size - size
            start = end
        }
        positive = differences.map { $0 > 0 }
        positiveRankSum = Double(zip(doubledRanks, positive).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }) / 2
    }

    /// P(W⁺ ≤ observed) when each sign is + or − with probability ½, independently: the
    /// distribution of the doubled rank sum by dynamic programming over the ranks, kept as
    /// probabilities (not counts) so that large n neither overflows nor loses digits.
    func exactLowerTail() -> Double {
        let total = doubledRanks.reduce(0, +)
        var distribution = [Double](repeating: 0, count: total + 1)
        distribution[0] = 1
        var reachable = 0
        for rank in doubledRanks {
            reachable += rank
            for sum in stride(from: reachable, through: 0, by: -1) {
                let withRank = sum >= rank ? distribution[sum - rank] : 0
                distribution[sum] = 0.5 * (distribution[sum] + withRank)
            }
        }
        let observed = Int((2 * positiveRankSum).rounded())
        return min(1, distribution[0...observed].reduce(0, +))
    }
}
