/// The JSON documents of the events simulate writes, as compact UTF-8 with keys in sorted
/// order, appended to a buffer (see `TextBytes.swift` for why bytes).
struct EventJSON {
    /// The mark `context.source` carries on every event simulate writes, so that `--replace`
    /// deletes those events and no others.
    static let source = "simulate"

    /// Each recipe's id as bytes, by recipe index.
    private let recipeIDs: [[UInt8]]
    private static let dayNames = Weekday.allCases.map { Array($0.name.utf8) }

    init(recipes: [Recipe]) {
        recipeIDs = recipes.map { Array($0.id.utf8) }
    }

    /// `{"mode":…,"policy_version_id":…,"source":"simulate","workflow_type":…}`, without `mode`
    /// when the plan has none.
    func context(_ session: PlanSession, to bytes: inout [UInt8]) {
        bytes.append("{")
        if let mode = session.mode {
            bytes.append(#""mode":"#)
            bytes.appendJSONString(mode.rawValue)
            bytes.append(",")
        }
        bytes.append(#""policy_version_id":"#)
        bytes.appendJSONString(session.policyVersion)
        bytes.append(#","source":"#)
        bytes.appendJSONString(Self.source)
        bytes.append(#","workflow_type":"#)
        bytes.appendJSONString(session.workflow.rawValue)
        bytes.append("}")
    }

    /// `{"cost_usd":…,"latency_ms":…}`
    func generatedMetrics(_ session: PlanSession, to bytes: inout [UInt8]) {
        bytes.append(#"{"cost_usd":"#)
        bytes.append(contentsOf: "\(session.costUSD)".utf8)
        bytes.append(#","latency_ms":"#)
        bytes.appendDecimal(session.latencyMS)
        bytes.append("}")
    }

    /// `{"plan":…,"plan_id":…}`
    func generatedPayload(_ session: PlanSession, to bytes: inout [UInt8]) {
        bytes.append(#"{"plan":"#)
        plan(session.generated, to: &bytes)
        bytes.append(#","plan_id":"#)
        bytes.appendJSONString(session.planID)
        bytes.append("}")
    }

    /// `{"edits":[…],"plan":…,"plan_id":…}`
    func acceptedPayload(_ session: PlanSession, _ acceptance: Acceptance, to bytes: inout [UInt8]) {
        bytes.append(#"{"edits":["#)
        for (index, edit) in acceptance.edits.enumerated() {
            if index > 0 { bytes.append(",") }
            switch edit {
            case .swapMeal(let day, let from, let to):
                bytes.append(#"{"day":""#)
                bytes.append(contentsOf: Self.dayNames[day.rawValue])
                bytes.append(#"","from":""#)
                bytes.append(contentsOf: recipeIDs[from])
                bytes.append(#"","to":""#)
                bytes.append(contentsOf: recipeIDs[to])
                bytes.append(#"","type":"swap_meal"}"#)
            case .adjustServings(let day, let servings):
                bytes.append(#"{"day":""#)
                bytes.append(contentsOf: Self.dayNames[day.rawValue])
                bytes.append(#"","servings":"#)
                bytes.appendDecimal(servings)
                bytes.append(#","type":"adjust_servings"}"#)
            }
        }
        bytes.append(#"],"plan":"#)
        plan(acceptance.plan, to: &bytes)
        bytes.append(#","plan_id":"#)
        bytes.appendJSONString(session.planID)
        bytes.append("}")
    }

    /// `{"meals":[{"day":"monday","recipe_id":"r0012","servings":4},...]}`
    private func plan(_ plan: WeeklyPlan, to bytes: inout [UInt8]) {
        bytes.append(#"{"meals":["#)
        for (index, meal) in plan.meals.enumerated() {
            if index > 0 { bytes.append(",") }
            bytes.append(#"{"day":""#)
            bytes.append(contentsOf: Self.dayNames[meal.day.rawValue])
            bytes.append(#"","recipe_id":""#)
            bytes.append(contentsOf: recipeIDs[meal.recipe])
            bytes.append(#"","servings":"#)
            bytes.appendDecimal(meal.servings)
            bytes.append("}")
        }
        bytes.append("]}")
    }
}
