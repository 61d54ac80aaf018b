import ExpctlModel

/// The plan as people read it in a terminal, in Terraform's manner: one block per action with
/// `+` (create), `~` (update) and `-` (retire), then the problems, then one summary line.
public enum PlanText {
    public static func render(_ plan: Plan) -> String {
        var output = ""
        if plan.actions.isEmpty && plan.problems.isEmpty {
            return "No changes. \(matching(plan)) the desired state at \(short(plan.commit)).\n"
        }
        if !plan.actions.isEmpty {
            output += "expctl will perform the following actions (desired state at \(short(plan.commit))):\n"
            for action in plan.actions {
                output += "\n" + block(action)
            }
        }
        for problem in plan.problems {
            output += (output.isEmpty ? "" : "\n") + "Error: \(problem.message)\n"
            if let source = problem.source { output += "  on \(source)\n" }
            output += "  hint: \(problem.hint)\n"
        }
        output += "\n" + summary(plan) + "\n"
        return output
    }

    /// `Plan: 3 to add, 2 to change, 1 to retire.`, and why it cannot be applied when it cannot.
    public static func summary(_ plan: Plan) -> String {
        var line = "Plan: \(plan.count(.create)) to add, \(plan.count(.update)) to change, \(plan.count(.retire)) to retire."
        let waiting = plan.waitingActions.count
        if waiting > 0 { line += " \(waiting) waiting on jobs or gates." }
        if !plan.isApplicable {
            line += " It cannot be applied: \(plan.problems.count == 1 ? "1 problem" : "\(plan.problems.count) problems") above."
        }
        return line
    }

    /// "The database matches", or "The database and the MLflow registry match".
    static func matching(_ plan: Plan) -> String {
        plan.coversRegistry ? "The database and the MLflow registry match" : "The database matches"
    }

    static func block(_ action: PlannedAction) -> String {
        let (symbol, verb) = switch action.kind {
        case .create: ("+", "created")
        case .update: ("~", "updated")
        case .retire: ("-", "retired")
        }
        var text = "  # \(action.address) will be \(verb) (\(action.reason))\n"
        let waiting = action.waitsOn.compactMap(waitingText)
        if !waiting.isEmpty { text += "  # waits on \(waiting.joined(separator: ", "))\n" }
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

    static func heading(_ address: ResourceAddress) -> String {
        switch address {
        case .policy(let name): "policy \"\(name)\""
        case .policyVersion(let reference): "policy_version \"\(reference)\""
        case .experiment(let name): "experiment \"\(name)\""
        case .variant(let experiment, let name): "variant \"\(name)\" in experiment \"\(experiment)\""
        case .modelVersion(let model, let version): "model_version \"\(model)\" \(version)"
        case .modelAlias(let model, let alias): "alias \"\(alias)\" of model \"\(model)\""
        }
    }

    /// Job and gate dependencies are shown; ordering among the plan's own actions is implied.
    static func waitingText(_ dependency: Dependency) -> String? {
        switch dependency {
        case .action: nil
        case .job(let name): "job \(name)"
        case .gate(let name): "gate \(name)"
        }
    }

    static func value(_ value: JSONValue) -> String {
        if case .string(let text) = value, text == "(known after apply)" { return text }
        return value.canonicalText
    }

    static func short(_ commit: String) -> String { String(commit.prefix(7)) }
}
