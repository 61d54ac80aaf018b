import Foundation

/// How gate evidence writes numbers: scores to four decimals, thresholds to two, p-values to
/// two significant digits, relative effects as signed percentages.
enum GateNumbers {
    static func score(_ value: Double) -> String { fixed(value, 4) }

    /// `value` with `decimals` digits after the point. Built from integers rather than with
    /// `String(format:)`, which was a fifth of a gate pass over 1,000 experiments; values too
    /// large for that (or not finite) fall back to it.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        let scale = powersOfTen[min(max(decimals, 0), powersOfTen.count - 1)]
        let scaled = (abs(value) * Double(scale)).rounded()
        guard value.isFinite, scaled < 9e15 else { return String(format: "%.\(decimals)f", value) }
        let units = Int64(scaled)
        let whole = String(units / scale)
        let sign = value < 0 && units != 0 ? "-" : ""
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % scale)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static let powersOfTen: [Int64] = (0...9).map { power in
        (0..<power).reduce(Int64(1)) { value, _ in value * 10 }
    }

    /// `+0.0123`, `−0.0040` (a true minus sign).
    static func signed(_ value: Double, _ decimals: Int) -> String {
        let text = fixed(abs(value), decimals)
        return (value < 0 && text != fixed(0, decimals) ? "−" : "+") + text
    }

    /// `+3.1%` for a relative change of 0.031.
    static func percent(_ value: Double) -> String { signed(value * 100, 1) + "%" }

    /// `0.0031`, `4.2e-07`, `1`.
    static func pValue(_ value: Double) -> String {
        if value >= 1 { return "1" }
        if value < 1e-4 { return String(format: "%.1e", value) }
        return String(format: "%.2g", value)
    }

    /// `10%` for an allocation of 0.1.
    static func percent(of share: Double) -> String { short(share * 100) + "%" }

    /// `9 h`, `2.5 days`, `40 min`.
    static func hours(_ value: Double) -> String {
        if value < 1 { return "\(max(1, Int((value * 60).rounded(.up)))) min" }
        if value < 48 { return "\(Int(value.rounded(.up))) h" }
        return String(format: "%.1f days", value / 24)
    }

    /// `0.05`, `0.001`.
    static func short(_ value: Double) -> String { String(format: "%g", value) }
}
