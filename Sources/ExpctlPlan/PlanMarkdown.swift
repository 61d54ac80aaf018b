public import ExpctlModel

/// The plan as a pull-request comment: a summary table, the problems, and the details of each
/// action in a collapsed diff block.
public enum PlanMarkdown {
    public static func render(_ plan: Plan, validationErrors: [Diagnostic] = []) -> String {
        var output = "### expctl plan for `\(PlanText.short(plan.commit))`\n\n"
        if !validationErrors.isEmpty {
            output += "**The desired state is invalid** (\(validationErrors.count) error\(validationErrors.count == 1 ? "" : "s")):\n\n"
            for diagnostic in validationErrors {
                output += "- `\(diagnostic.location)`: \(escape(diagnostic.message))"
                if let hint = diagnostic.hint { output += " — \(escape(hint))" }
                output += "\n"
            }
            return output
        }
        if let note = PlanText.registryNote(plan) { output += "> " + escape(note) + "\n\n" }
        if plan.actions.isEmpty && plan.problems.isEmpty {
            return output + "No changes. \(PlanText.matching(plan)) the desired state.\n"
                + (plan.gates.isEmpty ? "" : "\n" + gates(plan.gates))
        }
        output += "| | to add | to change | to retire | waiting | blocked | problems |\n|---|---:|---:|---:|---:|---:|---:|\n"
        output += "| **total** | \(plan.count(.create)) | \(plan.count(.update)) | \(plan.count(.retire)) "
            + "| \(plan.waitingActions.count) | \(plan.blockedActions.count) | \(plan.problems.count) |\n\n"
        if !plan.problems.isEmpty {
            output += "**This plan cannot be applied:**\n\n"
            for problem in plan.problems {
                let place = problem.source.map { " (`\($0)`)" } ?? ""
                output += "- :x: \(escape(problem.message))\(place) — \(escape(problem.hint))\n"
            }
            output += "\n"
        }
        let waiting = plan.waitingActions
        if !waiting.isEmpty {
            output += "**Waiting on jobs or gates** (applied once ready):\n\n"
            for action in waiting {
                let lines = PlanText.readinessLines(action.readiness)
                output += "- :hourglass: `\(action.id)` \(lines.map(escape).joined(separator: "; "))\n"
            }
            output += "\n"
        }
        let blocked = plan.blockedActions
        if !blocked.isEmpty {
            output += "**Blocked** (skipped until what blocks them changes):\n\n"
            for action in blocked {
                guard case .blocked(let reason) = action.readiness else { continue }
                output += "- :no_entry: `\(action.id)`: \(escape(EvidenceText.blocked(reason))) — \(escape(reason.hint))\n"
            }
            output += "\n"
        }
        if !plan.gates.isEmpty { output += gates(plan.gates) + "\n" }
        if !plan.actions.isEmpty {
            // A waiting or blocked action's lines stay indented, so the diff shows them as
            // context, not as changes this pull request makes now.
            let blocks = (plan.readyActions.map { PlanText.block($0).replacingFirstCharacterOfLines() }
                + (waiting + blocked).map(PlanText.block)).joined()
            // Longer than any run of backticks in what users wrote, so their text cannot close it.
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: blocks) + 1))
            output += "<details><summary>\(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s")</summary>\n\n\(fence)diff\n"
            output += blocks
            output += "\(fence)\n\n</details>\n"
        }
        return output
    }

    /// A table of the gates: verdict, subject and headline, the criteria in a list below.
    static func gates(_ reports: [GateReport]) -> String {
        var output = "**Gates** (evidence behind the waiting and blocked actions):\n\n"
        output += "| gate | subject | profile | verdict | evidence |\n|---|---|---|---|---|\n"
        for report in reports {
            let criteria = report.criteria.map { criterion in
                let mark = switch criterion.outcome {
                case .met: ":white_check_mark:"
                case .unmet: ":x:"
                case .unknown: ":grey_question:"
                }
                return "\(mark) \(escape(criterion.text))"
            }
            let evidence = ([escape(report.headline)] + criteria).joined(separator: "<br>")
            output += "| \(report.kind.rawValue) | `\(report.subject)` | \(escape(report.profile)) "
                + "| **\(report.verdict.rawValue)** | \(evidence) |\n"
        }
        return output
    }

    static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// Markdown's active characters in running text.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "\\`*_[]<>|".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

extension Substring {
    fileprivate func replacingFirst(_ character: Character, with replacement: Character) -> String {
        guard let index = firstIndex(of: character) else { return String(self) }
        var copy = String(self[..<index])
        copy.append(replacement)
        copy += self[self.index(after: index)...]
        return copy
    }
}

extension String {
    /// Moves each line's `+`/`-` marker to the first column, where a diff block colours it.
    fileprivate func replacingFirstCharacterOfLines() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            guard let marker = trimmed.first, marker == "+" || marker == "-" else { return String(line) }
            // "  + x" becomes "+   x": the marker moves, the indentation stays.
            return String(marker) + line.dropFirst().replacingFirst(marker, with: " ")
        }.joined(separator: "\n")
    }
}
