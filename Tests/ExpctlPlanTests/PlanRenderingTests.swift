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
    return makePlan(changed, actual, commit: "3f2a9c1e5d7b")
}

/// MLflow with version 1 of the example's model registered and in production, nothing else
/// (a version not in production could serve at most 10% of traffic).
private let versionOneRegistered = ObservedState(
    registry: .read(RegistryState(models: ["planner_model": RegisteredModelState(
        name: "planner_model", versions: ["1": ModelVersionState(version: "1", tags: ["stage": "production"])],
        aliases: ["production": "1"])])),
    registryModels: ["planner_model"])

/// From empty with MLflow: the job is created, its policy version and variant wait on it.
private func fromEmptyPlan() -> Plan { makePlan(desired(), versionOneRegistered, commit: "3f2a9c1e5d7b") }

/// Converged but for the trained version and its variant, whose job failed.
private func failedJobPlan() -> Plan {
    var observed = converged(desired())
    observed.database.policies["planner_policy"]!.versions[2] = nil
    observed.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
    observed = observed.with(job: job(for: desired().trainings[0], state: .failed, error: "CUDA out of memory", id: "6f1c0d2e-0000-4000-8000-000000000001"))
    observed.database.experiments["planner_policy_exp"]!.variants["control"]!.allocation = Allocation(buckets: 8_000)
    return makePlan(desired(), observed, commit: "3f2a9c1e5d7b")
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

    @Test func waitingAndBlockedActionsWithTheirEvidence() throws {
        let waiting = fromEmptyPlan()
        try PlanGolden.check(PlanText.render(waiting), "from-empty.txt")
        try PlanGolden.check(PlanMarkdown.render(waiting), "from-empty.md")
        try PlanGolden.check(PlanJSON.render(waiting), "from-empty.json")
        #expect(PlanText.summary(waiting) == "Plan: 5 to add, 0 to change, 0 to retire. 2 waiting on jobs or gates.")
        let blocked = failedJobPlan()
        try PlanGolden.check(PlanText.render(blocked), "failed-job.txt")
        try PlanGolden.check(PlanMarkdown.render(blocked), "failed-job.md")
        try PlanGolden.check(PlanJSON.render(blocked), "failed-job.json")
        #expect(PlanText.summary(blocked) == "Plan: 0 to add, 1 to change, 0 to retire. 2 blocked.")
    }

    @Test func fromEmptyNoChangesAndProblems() throws {
        #expect(PlanText.render(makePlan(desired(), converged(desired()), commit: "3f2a9c1e5d7b"))
            == "Note: model versions were not checked against MLflow (--skip-registry), and promotions are not planned.\n\n"
            + "No changes. The database matches the desired state at 3f2a9c1.\n")
        var checked = converged(desired())
        checked.registry = versionOneRegistered.registry
        checked.registryModels = ["planner_model"]
        // A gate verdict not recorded yet is shown until apply records it; then it is not repeated.
        var evaluated = checked.evaluated(for: desired())
        let unrecorded = makePlan(desired(), evaluated, commit: "3f2a9c1e5d7b")
        #expect(PlanText.render(unrecorded).hasPrefix("No changes. The database and the MLflow registry match"))
        #expect(PlanText.render(unrecorded).contains("  offline gate for planner_model/2 (profile default): pass: offline score"))
        #expect(PlanText.render(unrecorded).contains(
            "  online gate for planner_policy_exp/leftovers_v2 (profile default): waiting: no units are assigned"))
        for report in unrecorded.gates {
            evaluated.gates.decisions[GateSubject(kind: report.kind, subject: report.subject)] = RecordedGateDecision(
                verdict: report.verdict, evidenceDigest: report.materialDigest)
        }
        #expect(PlanText.render(makePlan(desired(), evaluated, commit: "3f2a9c1e5d7b"))
            == "No changes. The database and the MLflow registry match the desired state at 3f2a9c1.\n")
        var completed = converged(desired())
        completed.database.experiments["planner_policy_exp"]!.status = .completed
        let refused = makePlan(desired(), completed, commit: "3f2a9c1e5d7b")
        try PlanGolden.check(PlanText.render(refused), "problem.txt")
        try PlanGolden.check(PlanMarkdown.render(refused), "problem.md")
    }

    @Test func jsonParsesBackWithEveryField() throws {
        let document = try #require(JSONValue(parsing: PlanJSON.render(mixedPlan())))
        guard case .object(let root) = document, case .array(let actions)? = root["actions"] else {
            Issue.record("not a plan document")
            return
        }
        #expect(root["format_version"] == .string("2.1"))
        #expect(root["applicable"] == .bool(true))
        #expect(root["registry"] == .string("skipped"))
        #expect(actions.count == 3)
        guard case .object(let first) = actions[0] else { return }
        #expect(first["system"] == .string("database"))
        #expect(first["readiness"] == .object(["state": .string("ready")]))
        #expect(Set(first.keys) == ["id", "kind", "address", "system", "reason", "source", "changes", "after", "readiness"])
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
    private let digests = StateDigests(database: "d1", jobs: "j1", registry: "r1", registryModels: ["planner_model"])

    @Test func aPlanFileReadsBackAsTheSamePlanEvenWithDottedNames() throws {
        let dotted = exampleTree
            .replacingOccurrences(of: "name: planner_policy_exp", with: "name: planner.variant.exp")
            .replacingOccurrences(of: "name: control", with: "name: control.v1")
        let file = PlanFile(plan: makePlan(desired(dotted)), observed: digests, ref: "refs/heads/main")
        let parsed = try PlanFile.parse(file.text).get()
        #expect(parsed == file)
        #expect(parsed.plan.actions.contains { $0.address == .variant(experiment: "planner.variant.exp", name: "control.v1") })
    }

    @Test func waitingAndBlockedActionsReadBackWithTheirEvidence() throws {
        for plan in [fromEmptyPlan(), failedJobPlan()] {
            let file = PlanFile(plan: plan, observed: digests, ref: nil)
            #expect(try PlanFile.parse(file.text).get() == file)
        }
    }

    @Test func anEditedPlanFileIsRefused() throws {
        let text = PlanFile(plan: fromEmptyPlan(), observed: digests, ref: "refs/heads/main").text
        let edited = text.replacingOccurrences(of: "\"after\": 0.1", with: "\"after\": 0.5")
        #expect(edited != text)
        #expect(PlanFile.parse(edited) == .failure(.edited))
        // Waiting made ready by hand, the digest of the observed state changed: refused alike.
        #expect(PlanFile.parse(text.replacingOccurrences(of: "\"state\": \"waiting\"", with: "\"state\": \"ready\"")) == .failure(.edited))
        #expect(PlanFile.parse(text.replacingOccurrences(of: "\"jobs\": \"j1\"", with: "\"jobs\": \"j2\"")) == .failure(.edited))
        // Spacing is not content: a file a tool re-indented still reads.
        #expect((try? PlanFile.parse(text.replacingOccurrences(of: "\n  ", with: "\n    ")).get()) != nil)
        #expect(PlanFileError.edited.description.hasPrefix("the plan file was changed after expctl wrote it"))
    }

    @Test func otherTextIsRefusedWithAReason() {
        #expect(PlanFile.parse("not json") == .failure(.notJSON))
        #expect(PlanFile.parse(#"{"format_version": "9.9"}"#) == .failure(.unsupportedVersion("9.9")))
        #expect(PlanFile.parse(#"{"format_version": "1.0", "commit": "abc", "actions": [], "problems": []}"#) == .failure(.unsupportedVersion("1.0")))
        #expect(PlanFileError.unsupportedVersion("1.0").description
            == "the plan file has format_version 1.0; this expctl reads 2.1 only: make the plan again with it (expctl plan --out FILE)")
        if case .failure(.malformed) = PlanFile.parse(#"{"format_version": "2.1"}"#) {} else { Issue.record("expected malformed") }
    }
}
