/// `exp` and `log` from + − × ÷ only, so that training and prediction give the same bits on every
/// IEEE 754 machine: the C library's versions may differ in the last bit between platforms and
/// versions. Accurate to a few ulp, which is all a softmax needs.
enum DeterministicMath {
    private static let ln2High = 6.93147180369123816490e-01
    private static let ln2Low = 1.90821492927058770002e-10
    private static let inverseLn2 = 1.44269504088896338700e+00

    /// e^x; 0 below -745, infinity above 709.78.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.78 { return .infinity }
        if x < -745.1 { return 0 }
        // x = k·ln2 + r with |r| ≤ ln2/2, r carried in two parts for accuracy.
        let k = (x * inverseLn2).rounded(.toNearestOrEven)
        let r = (x - k * ln2High) - k * ln2Low
        // e^r by its Taylor series to r^13/13!: the error is below 2^-60 for |r| ≤ 0.35.
        var term = 1.0
        var sum = 1.0
        for n in 1...13 {
            term = term * r / Double(n)
            sum += term
        }
        return scale(sum, byPowerOfTwo: Int(k))
    }

    /// ln x; -infinity at 0, NaN below.
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x.isInfinite { return x }
        // x = m·2^e with m in [√½, √2), then ln m = 2·atanh(s) with s = (m-1)/(m+1), |s| ≤ 0.1716.
        var exponent = Int(x.exponent)
        var m = x.significand
        if x.isSubnormal {
            m = (x * 0x1p52).significand
            exponent = Int((x * 0x1p52).exponent) - 52
        }
        if m > 1.4142135623730951 {
            m /= 2
            exponent += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        // 2·(s + s³/3 + … + s²³/23): the first term left out is below 2^-60 relative.
        var power = s
        var series = s
        var odd = 3.0
        for _ in 0..<11 {
            power *= s2
            series += power / odd
            odd += 2
        }
        let e = Double(exponent)
        return e * ln2High + (e * ln2Low + 2 * series)
    }

    /// value · 2^power, exact while the result is a normal number.
    private static func scale(_ value: Double, byPowerOfTwo power: Int) -> Double {
        var result = value
        var remaining = power
        while remaining > 1000 {
            result *= 0x1p1000
            remaining -= 1000
        }
        while remaining < -1000 {
            result *= 0x1p-1000
            remaining += 1000
        }
        return result * Double(sign: .plus, exponent: remaining, significand: 1)
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator whose sequence is fixed by its
/// seed on every platform, for the shuffle order of training.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound, without modulo bias (Lemire's method, rejection on the low part).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let range = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: range)
            if product.low >= (0 &- range) % range { return Int(product.high) }
        }
    }

    /// Fisher–Yates with this generator: the same seed gives the same order everywhere.
    mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for position in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(position, below(position + 1))
        }
    }
}
