import Foundation

/// How gate evidence writes numbers: scores to four decimals, thresholds to two, p-values to
/// two significant digits, relative effects as signed percentages.
enum GateNumbers {
    static func score(_ value: Double) -> String { fixed(value, 4) }

    static func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

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
