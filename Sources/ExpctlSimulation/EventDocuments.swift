/// The JSON documents of the rows simulate writes, as compact text with keys in sorted order,
/// written directly (no intermediate values: a million events are written in seconds).
enum EventDocuments {
    /// The mark `context.source` carries on every event simulate writes, so that `--replace`
    /// deletes those events and no others.
    static let source = "simulate"

    static func context(_ session: PlanSession) -> String {
        var text = "{"
        if let mode = session.mode {
            text += #""mode":"#
            appendString(mode.rawValue, to: &text)
            text += ","
        }
        text += #""policy_version_id":"#
        appendString(session.policyVersion, to: &text)
        text += #","source":""# + source + #"","workflow_type":""# + session.workflow.rawValue + #""}"#
        return text
    }

    static func generatedMetrics(_ session: PlanSession) -> String {
        #"{"cost_usd":"# + "\(session.costUSD)" + #","latency_ms":"# + String(session.latencyMS) + "}"
    }

    static func generatedPayload(_ session: PlanSession, recipes: [Recipe]) -> String {
        var text = #"{"plan":"#
        appendPlan(session.generated, recipes: recipes, to: &text)
        text += #","plan_id":""# + session.planID + "\"}"
        return text
    }

    static func acceptedPayload(_ session: PlanSession, _ acceptance: Acceptance, recipes: [Recipe]) -> String {
        var text = #"{"edits":["#
        for (index, edit) in acceptance.edits.enumerated() {
            if index > 0 { text += "," }
            switch edit {
            case .swapMeal(let day, let from, let to):
                text +=
                    #"{"day":""# + day.name + #"","from":""# + recipes[from].id + #"","to":""# + recipes[to].id
                    + #"","type":"swap_meal"}"#
            case .adjustServings(let day, let servings):
                text += #"{"day":""# + day.name + #"","servings":"# + String(servings) + #","type":"adjust_servings"}"#
            }
        }
        text += #"],"plan":"#
        appendPlan(acceptance.plan, recipes: recipes, to: &text)
        text += #","plan_id":""# + session.planID + "\"}"
        return text
    }

    /// `{"meals":[{"day":"monday","recipe_id":"r0012","servings":4},...]}`
    static func appendPlan(_ plan: WeeklyPlan, recipes: [Recipe], to text: inout String) {
        text += #"{"meals":["#
        for (index, meal) in plan.meals.enumerated() {
            if index > 0 { text += "," }
            text +=
                #"{"day":""# + meal.day.name + #"","recipe_id":""# + recipes[meal.recipe].id + #"","servings":"#
                + String(meal.servings) + "}"
        }
        text += "]}"
    }

    /// A JSON array of strings.
    static func array(_ strings: [String]) -> String {
        var text = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            appendString(string, to: &text)
        }
        return text + "]"
    }

    /// A JSON string; the world's words need no escapes, but any text gets them right.
    static func appendString(_ string: String, to text: inout String) {
        text += "\""
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += string
            text += "\""
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
