import ExpctlModel
import Foundation

/// Shows how far a long step is: on a terminal a bar that redraws in place with the count and
/// the time left; otherwise one JSON object per line, at most once a second and at the end.
final class ProgressReporter {
    private let console: any Console
    private let interactive: Bool
    private let started = Date()
    private var lastReport: Date?
    private var drewBar = false

    init(console: any Console, interactive: Bool? = nil) {
        self.console = console
        self.interactive = interactive ?? console.isInteractive
    }

    /// `done` of `total` `unit`s of `step` (e.g. 40,000 of 120,000 rows of "dataset build").
    func report(step: String, subject: String, done: Int, total: Int?, unit: String) {
        let now = Date()
        let finished = total.map { done >= $0 } ?? false
        if let lastReport, now.timeIntervalSince(lastReport) < (interactive ? 0.1 : 1), !finished { return }
        lastReport = now
        let elapsed = now.timeIntervalSince(started)
        let remaining: Double? = total.flatMap { total in
            done > 0 && total > done ? elapsed * Double(total - done) / Double(done) : (done >= total ? 0 : nil)
        }
        if interactive {
            console.writeError(
                "\r"
                    + Self.bar(
                        step: step, subject: subject, done: done, total: total, unit: unit,
                        remaining: remaining))
            drewBar = true
            if finished {
                console.writeError("\n")
                drewBar = false
            }
        } else {
            var fields: [String: JSONValue] = [
                "type": .string("progress"), "step": .string(step), "subject": .string(subject),
                "done": .integer(Int64(done)), "unit": .string(unit), "elapsed_s": .double(Self.rounded(elapsed)),
            ]
            fields["total"] = total.map { .integer(Int64($0)) } ?? .null
            fields["remaining_s"] = remaining.map { .double(Self.rounded($0)) } ?? .null
            console.line(JSONValue.object(fields).canonicalText)
        }
    }

    /// Ends a bar left half drawn (a step that failed).
    func finish() {
        if drewBar { console.writeError("\n") }
        drewBar = false
    }

    static func bar(step: String, subject: String, done: Int, total: Int?, unit: String, remaining: Double?) -> String {
        let width = 24
        let filled = total.map { $0 > 0 ? min(width, done * width / $0) : width } ?? 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let count = total.map { "\(NumberText.grouped(done))/\(NumberText.grouped($0))" } ?? NumberText.grouped(done)
        let left = remaining.map { ", \(duration($0)) left" } ?? ""
        return "\(step) \(subject) [\(bar)] \(count) \(unit)\(left)   "
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole >= 60 ? "\(whole / 60) min \(whole % 60) s" : "\(whole) s"
    }

    private static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
