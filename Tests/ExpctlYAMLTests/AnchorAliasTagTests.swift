import ExpctlYAML
import Testing

@Suite("Anchors, aliases and tags")
struct AnchorAliasTagTests {
    @Test func aliasCopiesTheAnchoredNode() throws {
        let text = """
            base: &defaults
              retries: 3
              tags: [a, b]
            service:
              settings: *defaults
            """
        let root = try #require(parse(text))
        let original = try #require(root["base"])
        let copy = try #require(root["service"]?["settings"])
        #expect(original.anchor == "defaults")
        #expect(original.mark == at(2, 3))
        #expect(copy.anchor == nil)
        #expect(copy.mark == at(5, 13))
        #expect(copy.value == original.value)
        #expect(copy.mapping?[0].key.mark == at(2, 3))  // inner nodes keep their own marks
    }

    @Test func anchorsOnScalarsAndSequenceEntries() {
        #expect(rendered("a: &s text\nb: *s\nc: [*s, *s]") == "{a: &s text, b: text, c: [text, text]}")
        #expect(rendered("- &a\n  x: 1\n- *a") == "[&a {x: 1}, {x: 1}]")
        #expect(rendered("a: &e\nb: *e") == "{a: &e <empty>, b: <empty>}")
    }

    @Test func anchorOnACompactMappingKey() {
        #expect(rendered("- &k name: x\n  other: *k") == "[{&k name: x, other: name}]")
    }

    @Test func propertiesOnTheirOwnLineBelongToTheNodeBelow() {
        #expect(
            rendered("a: &a\n  &b key: v\n  k2: *b\nb: *a")
                == "{a: &a {&b key: v, k2: key}, b: {&b key: v, k2: key}}")
        #expect(rendered("a: !t\n  &x [1]\nb: *x") == "{a: &x [1], b: [1]}")
    }

    @Test func propertiesMaySpanLines() {
        #expect(rendered("&a1\n!!str\nscalar1") == "&a1 !!str scalar1")  // 9KAX
        #expect(rendered("key: &anchor\n !!map\n  a: b\nc: *anchor") == "{key: &anchor {a: b}, c: {a: b}}")  // BU8L
        #expect(rendered("- !t\n  &x\n  v\n- *x") == "[&x !t v, !t v]")
    }

    @Test func anchorOnTheLineBeforeACompactSequence() {
        #expect(rendered("seq:\n &anchor\n- a\n- b\nnext: *anchor") == "{seq: &anchor [a, b], next: [a, b]}")  // SKE5
        #expect(rendered("seq: &s\n- a\nnext: 1") == "{seq: &s [a], next: 1}")
    }

    @Test func anchoredMappingWhoseFirstKeyIsAnAlias() {
        #expect(
            rendered("k: &key1 x\ntop: &node\n  *key1 : v\ncopy: *node")
                == "{k: &key1 x, top: &node {x: v}, copy: {x: v}}")  // 26DV
    }

    @Test func aliasOfAScalarAsAKey() {
        #expect(rendered("a: &k key\n*k : v") == "{a: &k key, key: v}")
        expectError("a: &m {x: 1}\n*m : v", .unsupported, "complex mapping keys are not supported", line: 2, column: 1)
    }

    @Test func laterAnchorsReplaceEarlierOnes() {
        #expect(rendered("a: &x 1\nb: &x 2\nc: *x") == "{a: &x 1, b: &x 2, c: 2}")
    }

    @Test func mergeKeysAreOrdinaryKeys() {
        #expect(
            rendered("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2") == "{base: &b {x: 1}, derived: {<<: {x: 1}, y: 2}}")
    }

    @Test func undefinedAlias() {
        expectError(
            "a: *nope", .syntax, "undefined alias '*nope'", line: 1, column: 4,
            hint: "define the anchor '&nope' on a node before this alias")
        expectError("a: &r [1, *r]", .syntax, "undefined alias '*r'", line: 1, column: 11)
    }

    @Test func propertyErrors() {
        expectError("a: &a &b x", .syntax, "a node can have only one anchor", line: 1, column: 7)
        expectError("a: !x !y z", .syntax, "a node can have only one tag", line: 1, column: 7)
        expectError("a: &a *b", .syntax, "an alias cannot have an anchor or tag", line: 1, column: 4)
        expectError("a: & x", .syntax, "expected a name after '&'", line: 1, column: 5)
        expectError("a: &x[1]", .syntax, "expected a space after the anchor or tag", line: 1, column: 6)
        expectError("a: !<tag x", .syntax, "unterminated verbatim tag", line: 1, column: 11)
        expectError("a: &x\n  &y\n  b", .syntax, "a node can have only one anchor", line: 2, column: 3)
        expectError("a: &x y\nb: &n\n  *x", .syntax, "an alias cannot have an anchor or tag", line: 2, column: 4)
        expectError(
            "a: &x - b", .syntax, "block sequence entries are not allowed here", line: 1, column: 7)
        expectError(
            "- &x - b", .syntax, "a block sequence cannot start on the line of its anchor or tag", line: 1, column: 6)
    }

    @Test func tagsAreKeptOnScalars() throws {
        let root = try #require(parse("a: !!str 1\nb: !custom x\nc: !<tag:yaml.org,2002:str> y\nd: !local z\ne: ! 3"))
        #expect(root["a"]?.scalar == YAMLScalar(text: "1", style: .plain, tag: "!!str"))
        #expect(root["a"]?.mark == at(1, 10))
        #expect(root["b"]?.scalar?.tag == "!custom")
        #expect(root["c"]?.scalar?.tag == "!<tag:yaml.org,2002:str>")
        #expect(root["d"]?.scalar?.tag == "!local")
        #expect(root["e"]?.scalar?.tag == "!")
    }

    @Test func tagsAndAnchorsInEitherOrder() {
        #expect(rendered("a: !!str &q 1\nb: &r !!int 2\nc: *q") == "{a: &q !!str 1, b: &r !!int 2, c: !!str 1}")
    }

    @Test func tagsOnCollectionsAreDropped() {
        #expect(
            rendered("a: !!map {x: 1}\nb: !!seq\n  - y\nc: !!str |\n  z\n") == "{a: {x: 1}, b: [y], c: !!str |\"z\\n\"}"
        )
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var lines = ["a: &a [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]"]
        let names = Array("abcdefghi").map(String.init)
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append(
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]")
        }
        let started = ContinuousClock.now
        // a=10 nodes, b copies 9×10, c 9×91, d 9×820, and the first alias of e passes 10,000.
        expectError(
            lines.joined(separator: "\n"), .aliasExpansion, "aliases expand to more than 10000 nodes", line: 5,
            column: 8, hint: "remove nested aliases (aliases of nodes that contain aliases), or write the content out")
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func expansionCountsEveryAlias() {
        let aliases = { (count: Int) in
            "a: &s x\nb: [" + Array(repeating: "*s", count: count).joined(separator: ",") + "]"
        }
        #expect(parse(aliases(10_000))?["b"]?.sequence?.count == 10_000)
        expectError(
            aliases(10_001), .aliasExpansion, "aliases expand to more than 10000 nodes", line: 2, column: 30_005)
    }

    @Test func expansionLimitIsConfigurable() {
        let limits = YAMLLimits(maxDepth: 64, maxAliasExpansion: 5)
        #expect(parse("a: &x [1, 2]\nb: *x", limits: limits) != nil)  // 3 nodes
        expectError(
            "a: &x [1, 2]\nb: *x\nc: *x", .aliasExpansion, "aliases expand to more than 5 nodes", line: 3, column: 4,
            limits: limits)
    }
}
