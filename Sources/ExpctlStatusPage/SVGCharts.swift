import Foundation

/// Inline SVG charts, drawn on the server: no script, no library.
enum SVGCharts {
    static let width = 520.0
    static let height = 180.0
    static let margin = (left: 48.0, right: 12.0, top: 12.0, bottom: 26.0)
    static let palette = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2"]

    /// One line per series over time, with a legend and a tooltip per point.
    static func lines(_ series: [(name: String, points: [StatusModel.Point])], label: String, percent: Bool) -> String {
        let points = series.flatMap(\.points)
        guard points.count >= 1 else { return empty("no \(label) yet") }
        let (t0, t1) = range(points.map { $0.time.timeIntervalSince1970 })
        let (v0, v1) = padded(range(points.map(\.value)))
        var body = axes(t0: t0, t1: t1, v0: v0, v1: v1, percent: percent)
        for (index, line) in series.enumerated() where !line.points.isEmpty {
            let color = palette[index % palette.count]
            let path = line.points.map { point in
                "\(x(point.time.timeIntervalSince1970, t0, t1)),\(y(point.value, v0, v1))"
            }.joined(separator: " ")
            body += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>"
            for point in line.points {
                body +=
                    "<circle cx=\"\(x(point.time.timeIntervalSince1970, t0, t1))\" cy=\"\(y(point.value, v0, v1))\""
                    + " r=\"3\" fill=\"\(color)\"><title>\(HTML.escape(line.name)) \(HTML.day(point.time)):"
                    + " \(format(point.value, percent: percent))</title></circle>"
            }
            body +=
                "<text x=\"\(margin.left + 8 + Double(index) * 130)\" y=\"\(margin.top + 10)\" fill=\"\(color)\""
                + " font-size=\"11\">● \(HTML.escape(line.name))</text>"
        }
        return svg(body, label: label)
    }

    /// The always-valid interval of a relative effect as it narrows look by look: a shaded band
    /// from lower to upper, each look's interval as a bar, the estimate, and the line of no effect.
    static func interval(_ points: [StatusModel.IntervalPoint], label: String) -> String {
        guard !points.isEmpty else { return empty("no look at \(label) yet") }
        let (t0, t1) = range(points.map { $0.time.timeIntervalSince1970 })
        let (v0, v1) = padded(range(points.flatMap { [$0.lower, $0.upper, $0.estimate, 0] }))
        var body = axes(t0: t0, t1: t1, v0: v0, v1: v1, percent: true, signed: true)
        let upper = points.map { "\(x($0.time.timeIntervalSince1970, t0, t1)),\(y($0.upper, v0, v1))" }
        let lower = points.reversed().map { "\(x($0.time.timeIntervalSince1970, t0, t1)),\(y($0.lower, v0, v1))" }
        body += "<polygon class=\"band\" fill=\"#93c5fd\" fill-opacity=\"0.45\" points=\"\((upper + lower).joined(separator: " "))\"/>"
        body +=
            "<line x1=\"\(margin.left)\" x2=\"\(width - margin.right)\" y1=\"\(y(0, v0, v1))\" y2=\"\(y(0, v0, v1))\""
            + " stroke=\"#6b7280\" stroke-dasharray=\"4 3\"/>"
        let estimate = points.map { "\(x($0.time.timeIntervalSince1970, t0, t1)),\(y($0.estimate, v0, v1))" }
        body += "<polyline fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"2\" points=\"\(estimate.joined(separator: " "))\"/>"
        for point in points {
            // Each look's interval as a bar, so that a single look (or a band of zero width) shows.
            let at = x(point.time.timeIntervalSince1970, t0, t1)
            let (top, bottom) = (y(point.upper, v0, v1), y(point.lower, v0, v1))
            let (left, right) = (tenth(at - 4), tenth(at + 4))
            body +=
                "<path class=\"look\" stroke=\"#1d4ed8\" stroke-width=\"1.5\" fill=\"none\""
                + " d=\"M\(left),\(top) H\(right) M\(at),\(top) V\(bottom) M\(left),\(bottom) H\(right)\"/>"
            body +=
                "<circle cx=\"\(x(point.time.timeIntervalSince1970, t0, t1))\" cy=\"\(y(point.estimate, v0, v1))\" r=\"3\""
                + " fill=\"#1d4ed8\"><title>\(HTML.time(point.time)): \(format(point.estimate, percent: true, signed: true))"
                + " [\(format(point.lower, percent: true, signed: true)), \(format(point.upper, percent: true, signed: true))]"
                + "</title></circle>"
        }
        return svg(body, label: label)
    }

    private static func svg(_ body: String, label: String) -> String {
        "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\""
            + " width=\"\(Int(width))\" height=\"\(Int(height))\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title>\(HTML.escape(label))</title>\(body)</svg>"
    }

    private static func empty(_ text: String) -> String {
        "<p class=\"muted\">\(HTML.escape(text))</p>"
    }

    private static func axes(t0: Double, t1: Double, v0: Double, v1: Double, percent: Bool, signed: Bool = false)
        -> String
    {
        var body =
            "<rect x=\"\(margin.left)\" y=\"\(margin.top)\" width=\"\(width - margin.left - margin.right)\""
            + " height=\"\(height - margin.top - margin.bottom)\" fill=\"#f9fafb\" stroke=\"#e5e7eb\"/>"
        for step in 0...3 {
            let value = v0 + (v1 - v0) * Double(step) / 3
            body +=
                "<text x=\"\(margin.left - 4)\" y=\"\(y(value, v0, v1) + 4)\" text-anchor=\"end\" font-size=\"10\""
                + " fill=\"#6b7280\">\(format(value, percent: percent, signed: signed))</text>"
        }
        // Looks within two days of each other are told apart by the time of day.
        let label = t1 - t0 < 2 * 86_400 ? HTML.dayAndTime : HTML.day
        for (time, anchor) in [(t0, "start"), (t1, "end")] {
            body +=
                "<text x=\"\(x(time, t0, t1))\" y=\"\(height - 8)\" text-anchor=\"\(anchor)\" font-size=\"10\""
                + " fill=\"#6b7280\">\(label(Date(timeIntervalSince1970: time)))</text>"
        }
        return body
    }

    private static func range(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return (0, 1) }
        return low == high ? (low - 0.5, high + 0.5) : (low, high)
    }

    private static func padded(_ range: (Double, Double)) -> (Double, Double) {
        let pad = (range.1 - range.0) * 0.08
        return (range.0 - pad, range.1 + pad)
    }

    private static func x(_ time: Double, _ t0: Double, _ t1: Double) -> Double {
        let span = t1 - t0
        let fraction = span > 0 ? (time - t0) / span : 0.5
        return tenth(margin.left + fraction * (width - margin.left - margin.right))
    }

    /// Coordinates to a tenth of a pixel: short attributes, the same page for the same model.
    private static func tenth(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    private static func y(_ value: Double, _ v0: Double, _ v1: Double) -> Double {
        let fraction = (value - v0) / (v1 - v0)
        return tenth(margin.top + (1 - fraction) * (height - margin.top - margin.bottom))
    }

    /// Effects (the interval chart) are signed percentages; rates on the metric charts are
    /// percentages when `percent`, else plain numbers.
    static func format(_ value: Double, percent: Bool, signed: Bool = false) -> String {
        guard percent else { return String(format: "%.3g", value) }
        return String(format: signed ? "%+.1f%%" : "%.1f%%", value * 100)
    }
}
