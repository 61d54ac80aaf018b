import ExpctlYAML
import Testing

@Suite("Block mappings and sequences")
struct BlockCollectionTests {
    static let experiment = """
        experiments:
          - name: planner_policy_exp
            status: running
            starts_at: 2025-01-06T00:00:00Z
            variants:
              - name: control
                allocation: 0.9
                policy_version: planner_policy@1
                params: { exploration_rate: 0.15 }
        gates:
          offline:
            weights: { plan_alignment_score: 0.4, meal_diversity_score: 0.2,
                       leftovers_utility_score: 0.2, constraint_respect_score: 0.2 }
        """

    @Test func realisticDocument() throws {
        let root = try #require(parse(Self.experiment))
        #expect(
            render(root) == "{experiments: [{name: planner_policy_exp, status: running, "
                + "starts_at: 2025-01-06T00:00:00Z, variants: [{name: control, allocation: 0.9, "
                + "policy_version: planner_policy@1, params: {exploration_rate: 0.15}}]}], "
                + "gates: {offline: {weights: {plan_alignment_score: 0.4, meal_diversity_score: 0.2, "
                + "leftovers_utility_score: 0.2, constraint_respect_score: 0.2}}}}")
    }

    @Test func realisticDocumentMarks() throws {
        let root = try #require(parse(Self.experiment))
        #expect(root.mark == at(1, 1))
        let experiments = try #require(root["experiments"])
        #expect(experiments.mark == at(2, 3))
        let experiment = try #require(experiments.sequence?.first)
        #expect(experiment.mark == at(2, 5))
        let variants = try #require(experiment["variants"])
        #expect(variants.mark == at(6, 7))
        let variant = try #require(variants.sequence?.first?.mapping)
        #expect(variant[0].key.mark == at(6, 9))
        #expect(variant[1].key.scalar?.text == "allocation")
        #expect(variant[1].key.mark == at(7, 9))
        #expect(variant[1].value.mark == at(7, 21))
        #expect(variant[1].value.scalar?.double == 0.9)
        let params = try #require(variant[3].value.mapping)
        #expect(variant[3].value.mark == at(9, 17))
        #expect(params[0].key.mark == at(9, 19))
        let weights = try #require(root["gates"]?["offline"]?["weights"])
        #expect(weights.mark == at(12, 14))
        #expect(weights.mapping?[2].key.scalar?.text == "leftovers_utility_score")
        #expect(weights.mapping?[2].key.mark == at(13, 16))
        #expect(weights.mapping?[2].value.mark == at(13, 41))
    }

    @Test func mappingKeepsInsertionOrder() {
        #expect(rendered("zeta: 1\nalpha: 2\nmid: 3") == "{zeta: 1, alpha: 2, mid: 3}")
    }

    @Test func nestedMappings() {
        let text = """
            a:
              b:
                c:
                  d: 1
              e: 2
            f: 3
            """
        #expect(rendered(text) == "{a: {b: {c: {d: 1}}, e: 2}, f: 3}")
    }

    @Test func sequenceAtTheKeysIndentation() throws {
        let text = """
            variants:
            - name: a
              allocation: 0.5
            - name: b
            other: 1
            """
        let root = try #require(parse(text))
        #expect(render(root) == "{variants: [{name: a, allocation: 0.5}, {name: b}], other: 1}")
        #expect(root["variants"]?.mark == at(2, 1))
        #expect(root.mapping?[1].key.mark == at(5, 1))
    }

    @Test func sequenceIndentedUnderKey() {
        #expect(rendered("items:\n    - a\n    - b\nnext: c") == "{items: [a, b], next: c}")
    }

    @Test func compactSequenceInsideSequenceEntry() {
        let text = """
            - a: 1
              b:
              - x
              - y
              c: 2
            - d
            """
        #expect(rendered(text) == "[{a: 1, b: [x, y], c: 2}, d]")
    }

    @Test func nestedSequencesOnOneLine() throws {
        let root = try #require(parse("- - a\n  - b\n- - - c"))
        #expect(render(root) == "[[a, b], [[c]]]")
        #expect(root.sequence?[0].mark == at(1, 3))
        #expect(root.sequence?[1].sequence?[0].mark == at(3, 5))
    }

    @Test func mappingInSequenceEntry() throws {
        let root = try #require(parse("- name: x\n  allocation: 0.9\n-\n  name: y"))
        #expect(render(root) == "[{name: x, allocation: 0.9}, {name: y}]")
        #expect(root.sequence?[0].mapping?[1].key.mark == at(2, 3))
        #expect(root.sequence?[1].mark == at(4, 3))
    }

    @Test func emptyValues() throws {
        let root = try #require(parse("a:\nb: 1\nc:   # comment\nd:"))
        #expect(render(root) == "{a: <empty>, b: 1, c: <empty>, d: <empty>}")
        let entries = try #require(root.mapping)
        #expect(entries[0].value.mark == at(1, 3))
        #expect(entries[2].value.mark == at(3, 3))
        #expect(entries[3].value.mark == at(4, 3))
        #expect(entries[0].value.scalar == YAMLScalar(text: "", style: .plain))
        #expect(entries[0].value.scalar?.isNull == true)
    }

    @Test func emptySequenceEntries() throws {
        let root = try #require(parse("- \n- b\n-\n"))
        #expect(render(root) == "[<empty>, b, <empty>]")
        #expect(root.sequence?[0].mark == at(1, 2))
    }

    @Test func valueOnTheNextLine() {
        #expect(rendered("key:\n  value\nk2:\n  - x") == "{key: value, k2: [x]}")
    }

    @Test func topLevelSequence() {
        #expect(rendered("- 1\n- two\n- [3]\n- {four: 4}") == "[1, two, [3], {four: 4}]")
    }

    @Test func topLevelMappingIndented() {
        #expect(rendered("  a: 1\n  b: 2\n") == "{a: 1, b: 2}")
    }

    @Test func quotedKeysAndSpacesBeforeColon() {
        #expect(rendered("\"a b\": 1\n'c': 2\nkey   : v") == "{\"a b\": 1, 'c': 2, key: v}")
    }

    @Test func keysMayLookLikeOtherTypes() {
        #expect(rendered("1: one\ntrue: yes\nnull: ~\n2025-01-06: date") == "{1: one, true: yes, null: ~, 2025-01-06: date}")
    }

    @Test func commentsEverywhere() {
        let text = """
            # leading comment
            a: 1 # after a value
                # oddly indented comment
            b: # after a key
              - x # after an entry
            # between entries
              - y
            c: "q" # after a quoted value
            d: [1, 2] # after a flow collection
            # trailing comment
            """
        #expect(rendered(text) == "{a: 1, b: [x, y], c: \"q\", d: [1, 2]}")
    }

    @Test func crlfLineEndings() throws {
        let root = try #require(parse("a: 1\r\nb:\r\n  - x\r\n  - \"y\r\n   z\"\r\nc: |\r\n  l1\r\n  l2\r\n"))
        #expect(render(root) == "{a: 1, b: [x, \"y z\"], c: |\"l1\\nl2\\n\"}")
        #expect(root.mapping?[2].key.mark == at(6, 1))
    }

    @Test func deepButAllowedNesting() {
        let text = (0..<64).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " v"
        #expect(parse(text) != nil)
    }

    @Test func largeMappingsDetectDuplicatesToo() {
        let keys = (0..<40).map { "key\($0): \($0)" }
        #expect(parse(keys.joined(separator: "\n"))?.mapping?.count == 40)
        let error = expectError(
            (keys + ["key7: again"]).joined(separator: "\n"), .duplicateKey,
            "key 'key7' is repeated in this mapping (first at line 8)", line: 41, column: 1)
        #expect(error?.relatedMark == at(8, 1))
    }

    @Test func subscriptAndAccessors() throws {
        let root = try #require(parse("a: [1]\nb: x"))
        #expect(root["a"]?.sequence?.count == 1)
        #expect(root["b"]?.scalar?.text == "x")
        #expect(root["missing"] == nil)
        #expect(root["a"]?["x"] == nil)
        #expect(root.scalar == nil)
        #expect(root.sequence == nil)
    }
}
