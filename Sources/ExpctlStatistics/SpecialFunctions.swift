import Foundation

/// The special functions behind the t and chi-square distributions: ln B(a, b), the
/// regularized incomplete beta I_x(a, b) and the regularized upper incomplete gamma Q(a, x).
enum SpecialFunctions {
    /// Relative tolerance of the continued fractions and series (NR's EPS).
    static let epsilon = 1e-16
    /// Guards the modified Lentz algorithm against division by zero (NR's FPMIN).
    static let tiny = 1e-300
    /// A safety stop far beyond the iterations any argument in range needs (about √max(a, b)).
    static let maximumIterations = 1_000_000

    /// ln Γ(x) for x > 0 through the reentrant `lgamma_r`, which leaves the global `signgam` alone.
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ln B(a, b) for a, b > 0, as R's nmath `lbeta`: Stirling's series with the correction
    /// `lgammacor` for large arguments, so that large degrees of freedom keep their digits
    /// (the naive ln Γ(a) + ln Γ(b) − ln Γ(a + b) cancels; docs/gates-statistics §4).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b)
        let q = max(a, b)
        let logSqrtTwoPi = 0.918938533204672741780329736406
        if p >= 10 {
            let correction = logGammaCorrection(p) + logGammaCorrection(q) - logGammaCorrection(p + q)
            return -0.5 * log(q) + logSqrtTwoPi + correction + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        }
        if q >= 10 {
            let correction = logGammaCorrection(q) - logGammaCorrection(p + q)
            return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    /// ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] for x ≥ 10: R's `lgammacor` (W. Fullerton's
    /// Chebyshev series, the first five of its fifteen terms as R uses them).
    static func logGammaCorrection(_ x: Double) -> Double {
        precondition(x >= 10, "lgammacor is defined for x >= 10")
        let beyondSeries = 94906265.62425156  // 2^26.5: past it 1/(12x) is exact in a Double
        guard x < beyondSeries else { return 1 / (x * 12) }
        let t = 10 / x
        return chebyshev(t * t * 2 - 1, logGammaCorrectionSeries) / x
    }

    private static let logGammaCorrectionSeries: [Double] = [
        +0.1666389480451863247205729650822e+0, -0.1384948176067563840732986059135e-4,
        +0.9810825646924729426157171547487e-8, -0.1809129475572494194263306266719e-10,
        +0.6221098041892605227126015543416e-13,
    ]

    private static func chebyshev(_ x: Double, _ coefficients: [Double]) -> Double {
        let twoX = 2 * x
        var (b0, b1, b2) = (0.0, 0.0, 0.0)
        for coefficient in coefficients.reversed() {
            b2 = b1
            b1 = b0
            b0 = twoX * b1 - b2 + coefficient
        }
        return (b0 - b2) * 0.5
    }

    /// I_x(a, b), given both x and y = 1 − x (each formed by the caller without cancellation):
    /// NR `betai` with the prefactor exp(a ln x + b ln y − ln B(a, b)) and `betacf`, using the
    /// symmetry I_x(a, b) = 1 − I_y(b, a) when x > (a + 1)/(a + b + 2).
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, y: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        // ln x from whichever of x and y is accurate near its own end (log1p for the small one).
        let logX = y < 0.5 ? log1p(-y) : log(x)
        let logY = x < 0.5 ? log1p(-x) : log(y)
        let prefactor = exp(a * logX + b * logY - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return prefactor * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - prefactor * betaContinuedFraction(a: b, b: a, x: y) / b
    }

    /// NR `betacf`: the continued fraction of I_x(a, b), by the modified Lentz method.
    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let sum = a + b
        let aPlusOne = a + 1
        let aMinusOne = a - 1
        var c = 1.0
        var d = guarded(1 - sum * x / aPlusOne)
        d = 1 / d
        var result = d
        for m in 1...maximumIterations {
            let m = Double(m)
            let twoM = 2 * m
            var term = m * (b - m) * x / ((aMinusOne + twoM) * (a + twoM))
            d = 1 / guarded(1 + term * d)
            c = guarded(1 + term / c)
            result *= d * c
            term = -(a + m) * (sum + m) * x / ((a + twoM) * (aPlusOne + twoM))
            d = 1 / guarded(1 + term * d)
            c = guarded(1 + term / c)
            let step = d * c
            result *= step
            if abs(step - 1) < epsilon { break }
        }
        return result
    }

    /// Q(a, x) = Γ(a, x)/Γ(a): NR `gammq`, the series for P when x < a + 1 (Q = 1 − P, which
    /// is not small there), else the continued fraction for Q itself, so small tails keep
    /// their digits.
    static func regularizedUpperIncompleteGamma(a: Double, x: Double) -> Double {
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        let logPrefactor = -x + a * log(x) - logGamma(a)
        if x < a + 1 {
            return 1 - exp(logPrefactor) * gammaSeries(a: a, x: x)
        }
        return exp(logPrefactor) * gammaContinuedFraction(a: a, x: x)
    }

    /// NR `gser` without its prefactor: Σ xⁿ/(a(a+1)…(a+n)).
    private static func gammaSeries(a: Double, x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        for _ in 1...maximumIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum
    }

    /// NR `gcf` without its prefactor, by the modified Lentz method.
    private static func gammaContinuedFraction(a: Double, x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var result = d
        for i in 1...maximumIterations {
            let i = Double(i)
            let an = -i * (i - a)
            b += 2
            d = 1 / guarded(an * d + b)
            c = guarded(b + an / c)
            let step = d * c
            result *= step
            if abs(step - 1) < epsilon { break }
        }
        return result
    }

    private static func guarded(_ value: Double) -> Double {
        abs(value) < tiny ? tiny : value
    }
}
