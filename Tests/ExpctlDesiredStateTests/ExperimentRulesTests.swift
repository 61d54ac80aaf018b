import ExpctlDesiredState
import ExpctlModel
import Testing

/// Replaces the experiment file of the valid tree.
private func experiments(_ text: String) -> [Diagnostic] {
    validate(replacing: ["experiments/planner.yaml": text])
}

@Suite("Rules about experiments and variants")
struct ExperimentRulesTests {
    @Test func invalidNameShowsThePatternAndASuggestion() {
        let diagnostics = experiments("""
            experiments:
              - name: Planner Exp
                unit_type: user
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        let diagnostic = expectSingleError(diagnostics, at: "experiments/planner.yaml:2:11", message: "invalid name 'Planner Exp'", field: "name")
        #expect(diagnostic?.hint?.contains("^[a-z0-9][a-z0-9_.-]{0,62}$") == true)
        #expect(diagnostic?.hint?.contains("`planner_exp`") == true)
    }

    @Test func nameDefinedTwiceNamesBothPlaces() {
        let diagnostics = validate(replacing: [
            "experiments/copy.yaml": validTree["experiments/planner.yaml"]!
        ])
        let diagnostic = expectSingleError(
            diagnostics, at: "experiments/planner.yaml:2:11",
            message: "experiment 'planner_policy_exp' is defined twice: here and at experiments/copy.yaml:2:11")
        #expect(diagnostic?.resource == "experiment planner_policy_exp")
    }

    @Test func repeatedVariantName() {
        let diagnostics = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: control, allocation: 0.5, policy_version: planner_policy@1 }
                  - { name: control, allocation: 0.5, policy_version: planner_policy@2 }
            """)
        expectSingleError(diagnostics, at: "experiments/planner.yaml:6:17", message: "variant 'control' is repeated in this experiment (first at line 5)", field: "variants[1].name")
    }

    @Test func experimentWithoutVariants() {
        let missing = experiments("experiments:\n  - name: e\n    unit_type: user\n")
        expectSingleError(missing, at: "experiments/planner.yaml:2:5", message: "experiment has no variants", hint: "add at least one variant")
        let empty = experiments("experiments:\n  - name: e\n    unit_type: user\n    variants: []\n")
        expectSingleError(empty, at: "experiments/planner.yaml:4:15", message: "experiment has no variants")
    }

    @Test(arguments: [
        ("1.5", "allocation 1.5 is outside 0..1"),
        ("-0.1", "allocation -0.1 is outside 0..1"),
        ("0.12345", "allocation 0.12345 has more than 4 decimals"),
    ])
    func allocationOutOfRangeOrTooPrecise(value: String, message: String) {
        let diagnostics = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - name: control
                    allocation: \(value)
                    policy_version: planner_policy@1
            """)
        expectSingleError(diagnostics, at: "experiments/planner.yaml:6:21", message: message, field: "variants[0].allocation")
    }

    @Test func allocationsSummingPastOneCompareWholeBuckets() {
        // 0.7 + 0.2 + 0.1 is 1.0000000000000002 in floating point, but exactly 10,000 buckets.
        let exact = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: a, allocation: 0.7, policy_version: planner_policy@1 }
                  - { name: b, allocation: 0.2, policy_version: planner_policy@1 }
                  - { name: c, allocation: 0.1, policy_version: planner_policy@2 }
            """)
        #expect(exact.isEmpty, "\(exact.map(describe))")
        let over = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: a, allocation: 0.9, policy_version: planner_policy@1 }
                  - { name: b, allocation: 0.1001, policy_version: planner_policy@2 }
            """)
        expectSingleError(over, at: "experiments/planner.yaml:5:7", message: "sum to 1.0001 (10001 of 10000 buckets), more than 1", field: "variants")
    }

    @Test func baselineMustNameAVariant() {
        let diagnostics = experiments("""
            experiments:
              - name: e
                unit_type: user
                baseline: contrl
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        expectSingleError(diagnostics, at: "experiments/planner.yaml:4:15", message: "baseline 'contrl' names no variant", hint: "did you mean `control`?")
    }

    @Test func endsAtMustBeAfterStartsAt() {
        let diagnostics = experiments("""
            experiments:
              - name: e
                unit_type: user
                starts_at: 2025-01-06T00:00:00Z
                ends_at: 2025-01-05T23:00:00-02:00
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        // -02:00 makes it 2025-01-06T01:00:00Z: after the start, so valid.
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        let before = experiments("""
            experiments:
              - name: e
                unit_type: user
                starts_at: 2025-01-06T00:00:00Z
                ends_at: 2025-01-06T00:00:00+01:00
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        expectSingleError(before, at: "experiments/planner.yaml:5:14", message: "ends_at 2025-01-05T23:00:00Z is not after starts_at 2025-01-06T00:00:00Z", field: "ends_at")
        let malformed = experiments("""
            experiments:
              - name: e
                unit_type: user
                starts_at: 2025-13-06
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        expectSingleError(malformed, at: "experiments/planner.yaml:4:16", message: "invalid timestamp '2025-13-06'", hint: "RFC 3339")
    }

    @Test func policyVersionMustBeDeclared() {
        let unknownVersion = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@7 }
            """)
        expectSingleError(
            unknownVersion, at: "experiments/planner.yaml:5:57", message: "names no declared version of policy 'planner_policy'",
            hint: "declared versions: planner_policy@1, planner_policy@2", field: "variants[0].policy_version")
        let unknownPolicy = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: control, allocation: 1, policy_version: planer_policy@1 }
            """)
        expectSingleError(unknownPolicy, at: "experiments/planner.yaml:5:57", message: "names no declared policy", hint: "did you mean `planner_policy@1`?")
        let malformed = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy }
            """)
        expectSingleError(malformed, at: "experiments/planner.yaml:5:57", message: "invalid policy_version 'planner_policy'", hint: "policy@version")
    }

    @Test func enumerationsSuggestTheClosestValue() {
        let diagnostics = experiments("""
            experiments:
              - name: e
                unit_type: users
                status: runing
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1 }
            """)
        #expect(diagnostics.count == 2)
        #expect(diagnostics[0].message == "invalid unit_type 'users'")
        #expect(diagnostics[0].hint == "did you mean `user`?")
        #expect(diagnostics[1].message == "invalid status 'runing'")
        #expect(diagnostics[1].hint == "did you mean `running`?")
    }

    @Test func paramsMustBeAnObjectAndKeepTypes() {
        let (state, diagnostics) = validate(validTree.merging([
            "experiments/planner.yaml": """
                experiments:
                  - name: e
                    unit_type: household
                    variants:
                      - name: control
                        allocation: 1
                        policy_version: planner_policy@1
                        params: { rate: 0.15, depth: 3, label: "3", on: true, none: ~, list: [1, two] }
                """
        ]) { $1 })
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        #expect(JSONValue.object(state.experiments.first?.variants.first?.params ?? [:]).canonicalText
            == #"{"depth":3,"label":"3","list":[1,"two"],"none":null,"on":true,"rate":0.15}"#)
        let notObject = experiments("""
            experiments:
              - name: e
                unit_type: user
                variants:
                  - { name: control, allocation: 1, policy_version: planner_policy@1, params: [1] }
            """)
        expectSingleError(notObject, at: "experiments/planner.yaml:5:83", message: "expected a mapping, found a list", field: "variants[0].params")
    }
}
