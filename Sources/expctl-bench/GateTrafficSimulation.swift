import ExpctlStatistics
import Foundation

/// The exact batch simulation of docs/gates-statistics §5: per arm and batch of m units from
/// N(μ, 1), the batch sum is N(mμ, m) and the within-batch sum of squared deviations is χ²_{m−1},
/// independently, so a batch costs two draws instead of m; batches merge by Chan's formula.
struct GateTrafficSimulation {
    var unitsPerArmPerLook: Int
    var looks: Int

    /// The cumulative summaries of both arms after each batch, for one experiment whose
    /// candidate mean is `effect` (baseline 0, σ = 1).
    func experiment(effect: Double, generator: inout SeededGenerator) -> [(
        baseline: RunningMoments, candidate: RunningMoments
    )] {
        var baseline = RunningMoments()
        var candidate = RunningMoments()
        var history: [(baseline: RunningMoments, candidate: RunningMoments)] = []
        history.reserveCapacity(looks)
        for _ in 0..<looks {
            baseline.merge(batch(mean: 0, generator: &generator))
            candidate.merge(batch(mean: effect, generator: &generator))
            history.append((baseline, candidate))
        }
        return history
    }

    private func batch(mean: Double, generator: inout SeededGenerator) -> RunningMoments {
        let m = Double(unitsPerArmPerLook)
        let sum = m * mean + m.squareRoot() * generator.normal()
        let squaredDeviations = 2 * generator.gamma(shape: (m - 1) / 2)
        return RunningMoments(count: unitsPerArmPerLook, mean: sum / m, sumOfSquaredDeviations: squaredDeviations)
    }
}

/// SplitMix64 (Steele, Lea, Flood) with the normal and gamma draws the simulation needs.
struct SeededGenerator {
    private var state: UInt64

    /// Experiment `index` of a run seeded with `seed` gets its own stream.
    init(seed: UInt64, index: Int) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1), never exactly 0 or 1.
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A standard normal draw by Marsaglia's polar method (the second value is dropped, which
    /// keeps the generator a plain value).
    mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s < 1, s > 0 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// A Gamma(shape, 1) draw for shape ≥ 1 by Marsaglia and Tsang's method.
    mutating func gamma(shape: Double) -> Double {
        precondition(shape >= 1, "the simulation draws χ² with many degrees of freedom")
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal()
            let v = 1 + c * x
            guard v > 0 else { continue }
            let cube = v * v * v
            if log(uniform()) < 0.5 * x * x + d - d * cube + d * log(cube) { return d * cube }
        }
    }
}
