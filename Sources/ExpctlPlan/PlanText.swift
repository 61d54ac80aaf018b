import ExpctlModel

/// The plan as people read it in a terminal, in Terraform's manner: one block per action with
/// `+` (create), `~` (update) and `-` (retire), the ready ones first, then those that wait
/// and those that are blocked with their evidence, then the problems, then one summary line.
public enum PlanText {
    public static func render(_ plan: Plan) -> String {
        if plan.actions.isEmpty && plan.problems.isEmpty {
            return (registryNote(plan).map { $0 + "\n\n" } ?? "")
                + "No changes. \(matching(plan)) the desired state at \(short(plan.commit)).\n"
                + (plan.gates.isEmpty ? "" : "\n" + gates(plan.gates))
        }
        var output = ""
        // Sections are separated by one blank line.
        func section(_ text: String) { output += (output.isEmpty ? "" : "\n") + text }
        if let note = registryNote(plan) { section(note + "\n") }
        let groups = [
            ("expctl will perform the following actions (desired state at \(short(plan.commit))):", plan.readyActions),
            ("These actions wait on jobs or gates; apply carries them out once they are ready:", plan.waitingActions),
            ("These actions are blocked; apply skips them until what blocks them changes:", plan.blockedActions),
        ]
        for (heading, actions) in groups where !actions.isEmpty {
            section(heading + "\n" + actions.map { "\n" + block($0) }.joined())
        }
        if !plan.gates.isEmpty { section(gates(plan.gates)) }
        for problem in plan.problems {
            section("Error: \(problem.message)\n" + (problem.source.map { "  on \($0)\n" } ?? "") + "  hint: \(problem.hint)\n")
        }
        return output + "\n" + summary(plan) + "\n"
    }

    /// `Plan: 3 to add, 2 to change, 1 to retire. 2 waiting on jobs or gates, 1 blocked.`, and
    /// why it cannot be applied when it cannot.
    public static func summary(_ plan: Plan) -> String {
        var line = "Plan: \(plan.count(.create)) to add, \(plan.count(.update)) to change, \(plan.count(.retire)) to retire."
        var deferred: [String] = []
        let waiting = plan.waitingActions.count
        if waiting > 0 { deferred.append("\(waiting) waiting on jobs or gates") }
        let blocked = plan.blockedActions.count
        if blocked > 0 { deferred.append("\(blocked) blocked") }
        if !deferred.isEmpty { line += " " + deferred.joined(separator: ", ") + "." }
        if plan.newGateDecisions > 0 {
            line += " \(plan.newGateDecisions) gate decision\(plan.newGateDecisions == 1 ? "" : "s") to record."
        }
        if !plan.isApplicable {
            line += " It cannot be applied: \(plan.problems.count == 1 ? "1 problem" : "\(plan.problems.count) problems") above."
        }
        return line
    }

    /// What the plan says about MLflow when it did not check the registry.
    public static func registryNote(_ plan: Plan) -> String? {
        switch plan.registry {
        case .checked: nil
        case .skipped: "Note: model versions were not checked against MLflow (--skip-registry), and promotions are not planned."
        case .notConfigured:
            "Note: MLflow is not configured (MLFLOW_TRACKING_URI or --mlflow-url): policy versions are blocked "
                + "until their model versions can be checked, and promotions are not planned; "
                + "--skip-registry writes them unchecked."
        }
    }

    /// "The database matches", or "The database and the MLflow registry match".
    static func matching(_ plan: Plan) -> String {
        plan.registry == .checked ? "The database and the MLflow registry match" : "The database matches"
    }

    static func block(_ action: PlannedAction) -> String {
        let (symbol, verb) = switch action.kind {
        case .create: ("+", "created")
        case .update: ("~", "updated")
        case .retire: ("-", "retired")
        }
        var text = "  # \(action.address) will be \(verb) (\(action.reason))\n"
        for line in readinessLines(action.readiness) { text += "  # \(line)\n" }
        text += "  \(symbol) \(heading(action.address)) {\n"
        let width = action.changes.map(\.field.count).max() ?? 0
        for change in action.changes {
            let field = change.field + String(repeating: " ", count: width - change.field.count)
            switch (change.before, change.after) {
            case (nil, let after?): text += "      + \(field) = \(value(after))\n"
            case (let before?, nil): text += "      - \(field) = \(value(before)) -> null\n"
            case (let before?, let after?): text += "      ~ \(field) = \(value(before)) -> \(value(after))\n"
            case (nil, nil): break
            }
        }
        return text + "    }\n"
    }

    /// `waits on job training x: pending (…)`, `through create policy_version.p@2`,
    /// `blocked: …` and its hint; nothing for a ready action.
    static func readinessLines(_ readiness: Readiness) -> [String] {
        switch readiness {
        case .ready:
            return []
        case .waiting(let dependencies):
            let through = dependencies.compactMap { if case .action(let id) = $0 { id } else { nil } }
            var lines = EvidenceText.waiting(dependencies).map { "waits on \($0)" }
            if lines.count < dependencies.count, !through.isEmpty { lines.append("through \(through.joined(separator: ", "))") }
            return lines
        case .blocked(let reason):
            return ["blocked: \(EvidenceText.blocked(reason))", "hint: \(reason.hint)"]
        }
    }

    /// Each gate's verdict and headline, then its criteria, met (`+`), unmet (`-`) or not known
    /// yet (`?`).
    static func gates(_ reports: [GateReport]) -> String {
        var text = "Gates judged for this plan (apply records changed verdicts in exp.gate_decisions):\n"
        for report in reports {
            text += "\n  \(report.kind.rawValue) gate for \(report.subject) (profile \(report.profile)): \(report.headline)\n"
            for criterion in report.criteria {
                let mark = switch criterion.outcome {
                case .met: "+"
                case .unmet: "-"
                case .unknown: "?"
                }
                text += "      \(mark) \(criterion.name): \(criterion.text)\n"
            }
        }
        return text
    }

    static func heading(_ address: ResourceAddress) -> String {
        switch address {
        case .job(let kind, let name): "job \(kind.rawValue) \"\(name)\""
        case .policy(let name): "policy \"\(name)\""
        case .policyVersion(let reference): "policy_version \"\(reference)\""
        case .experiment(let name): "experiment \"\(name)\""
        case .variant(let experiment, let name): "variant \"\(name)\" in experiment \"\(experiment)\""
        case .modelVersion(let model, let version): "model_version \"\(model)\" \(version)"
        case .modelVersionTags(let model, let version): "gate tags of model_version \"\(model)\" \(version)"
        case .modelAlias(let model, let alias): "alias \"\(alias)\" of model \"\(model)\""
        }
    }

    static func value(_ value: JSONValue) -> String {
        if case .string(let text) = value, text.hasPrefix("(known after ") { return text }
        return value.canonicalText
    }

    static func short(_ commit: String) -> String { String(commit.prefix(7)) }
}
