import ExpctlModel
import ExpctlPlan
import Foundation
import PlanningTestSupport
import Testing

/// A plan with one action of each kind: a variant added, an allocation changed, one retired.
private func mixedPlan() -> Plan {
    let actual = converged(desired())
    let changed = desired(exampleTree
        .replacingOccurrences(of: "      - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }\n",
            with: "      - { name: pantry_first, allocation: 0.05, policy_version: planner_policy@2, params: { mode: \"pantry-first\" } }\n")
        .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.95"))
    return Planner.plan(desired: changed, actual: actual, commit: "3f2a9c1e5d7b")
}

@Suite("Plan rendering (golden files)")
struct PlanRenderingTests {
    @Test func textMarkdownAndJSONOfAMixedPlan() throws {
        let plan = mixedPlan()
        #expect(plan.summary == [
            "update experiment.planner_policy_exp/variant.control",
            "retire experiment.planner_policy_exp/variant.leftovers_v2",
            "create experiment.planner_policy_exp/variant.pantry_first",
        ])
        try PlanGolden.check(PlanText.render(plan), "mixed.txt")
        try PlanGolden.check(PlanMarkdown.render(plan), "mixed.md")
        try PlanGolden.check(PlanJSON.render(plan), "mixed.json")
        #expect(PlanText.summary(plan) == "Plan: 1 to add, 1 to change, 1 to retire.")
    }

    @Test func fromEmptyNoChangesAndProblems() throws {
        try PlanGolden.check(PlanText.render(Planner.plan(desired: desired(), actual: .empty, commit: "3f2a9c1e5d7b")), "from-empty.txt")
        #expect(PlanText.render(Planner.plan(desired: desired(), actual: converged(desired()), commit: "3f2a9c1e5d7b"))
            == "No changes. The database matches the desired state at 3f2a9c1.\n")
        var completed = converged(desired())
        completed.experiments["planner_policy_exp"]!.status = .completed
        let refused = Planner.plan(desired: desired(), actual: completed, commit: "3f2a9c1e5d7b")
        try PlanGolden.check(PlanText.render(refused), "problem.txt")
        try PlanGolden.check(PlanMarkdown.render(refused), "problem.md")
    }

    @Test func jsonParsesBackWithEveryField() throws {
        let document = try #require(JSONValue(parsing: PlanJSON.render(mixedPlan())))
        guard case .object(let root) = document, case .array(let actions)? = root["actions"] else {
            Issue.record("not a plan document")
            return
        }
        #expect(root["format_version"] == .string("1.0"))
        #expect(root["applicable"] == .bool(true))
        #expect(actions.count == 3)
    }

    @Test func markdownEscapesWhatUsersWrote() {
        #expect(PlanMarkdown.escape("a|b *c* `d`") == "a\\|b \\*c\\* \\`d\\`")
    }
}

/// Golden files beside this suite; `EXPCTL_RECORD_GOLDEN=1` rewrites them.
enum PlanGolden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["EXPCTL_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "differs from Golden/\(name); rerun with EXPCTL_RECORD_GOLDEN=1 to record", sourceLocation: sourceLocation)
    }
}

@Suite("Plan files")
struct PlanFileTests {
    @Test func aPlanFileReadsBackAsTheSamePlanEvenWithDottedNames() throws {
        let dotted = exampleTree
            .replacingOccurrences(of: "name: planner_policy_exp", with: "name: planner.variant.exp")
            .replacingOccurrences(of: "name: control", with: "name: control.v1")
        let plan = Planner.plan(desired: desired(dotted), actual: .empty, commit: "abc")
        let file = PlanFile(plan: plan, actualStateDigest: "d1", ref: "refs/heads/main")
        let parsed = try PlanFile.parse(file.text).get()
        #expect(parsed == file)
        #expect(parsed.plan.actions.contains { $0.address == .variant(experiment: "planner.variant.exp", name: "control.v1") })
    }

    @Test func otherTextIsRefusedWithAReason() {
        #expect(PlanFile.parse("not json") == .failure(.notJSON))
        #expect(PlanFile.parse(#"{"format_version": "9.9"}"#) == .failure(.unsupportedVersion("\"9.9\"")))
        if case .failure(.malformed) = PlanFile.parse(#"{"format_version": "1.0"}"#) {} else { Issue.record("expected malformed") }
    }
}
