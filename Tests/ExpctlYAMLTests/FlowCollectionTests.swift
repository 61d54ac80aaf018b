import ExpctlYAML
import Testing

@Suite("Flow collections")
struct FlowCollectionTests {
    @Test func nestedFlowCollections() {
        #expect(rendered("{a: 1, b: [x, \"y\"]}") == "{a: 1, b: [x, \"y\"]}")
        #expect(rendered("[1, [2, [3, {four: [4]}]]]") == "[1, [2, [3, {four: [4]}]]]")
    }

    @Test func emptyCollections() {
        #expect(rendered("a: {}\nb: []\nc: [ ]\nd: {  }") == "{a: {}, b: [], c: [], d: {}}")
    }

    @Test func trailingCommas() {
        #expect(rendered("a: [1, 2,]\nb: {x: 1, y: 2,}") == "{a: [1, 2], b: {x: 1, y: 2}}")
    }

    @Test func spanningSeveralLinesWithComments() {
        let text = """
            matrix: [
              [1, 2],   # first row
              [3, 4]
            ]
            options: {
              verbose: true,
              # a comment line
              level:
                3
            }
            """
        #expect(rendered(text) == "{matrix: [[1, 2], [3, 4]], options: {verbose: true, level: 3}}")
    }

    @Test func marksInsideFlow() throws {
        let root = try #require(parse("key: {a: 1, b: [x,\n  \"y\"]}"))
        let flow = try #require(root["key"]?.mapping)
        #expect(root["key"]?.mark == at(1, 6))
        #expect(flow[0].key.mark == at(1, 7))
        #expect(flow[0].value.mark == at(1, 10))
        #expect(flow[1].value.mark == at(1, 16))
        #expect(flow[1].value.sequence?[1].mark == at(2, 3))
    }

    @Test func jsonIsYAML() {
        let json = #"{"name": "x", "values": [1, 2.5, true, null], "nested": {"a":{"b":[]}}}"#
        #expect(rendered(json) == #"{"name": "x", "values": [1, 2.5, true, null], "nested": {"a": {"b": []}}}"#)
    }

    @Test func keysWithoutValues() throws {
        let root = try #require(parse("{a, b: 2, c: , d:}"))
        #expect(render(root) == "{a: <empty>, b: 2, c: <empty>, d: <empty>}")
        #expect(root.mapping?[2].value.mark == at(1, 13))
    }

    @Test func singlePairMappingsInSequences() {
        #expect(rendered("[a: 1, b, {c}, \"d\":2]") == "[{a: 1}, b, {c: <empty>}, {\"d\": 2}]")
    }

    @Test func singlePairKeyMustBeOnOneLineWithItsColon() {
        let message = "an implicit key in a flow sequence must be on one line with its ':'"
        let hint = "put the key and ':' on one line, or write the pair as a flow mapping: [{key: value}]"
        expectError("[ key\n: value ]", .syntax, message, line: 2, column: 1, hint: hint)  // DK4H
        expectError("[ \"key\"\n  :value ]", .syntax, message, line: 2, column: 3)  // ZXT5
        expectError("[ \"multi\n  line\": v ]", .syntax, message, line: 2, column: 8)
        #expect(rendered("{ key\n: value }") == "{key: value}")  // in a flow mapping the key may end a line
        #expect(rendered("[ {key\n: value} ]") == "[{key: value}]")
    }

    @Test func plainScalarsInFlow() {
        let text = "[http://x.y/z?q=1#frag, a:b, -1, a\n  b, 2025-01-06T00:00:00Z]"
        #expect(rendered(text) == "[http://x.y/z?q=1#frag, a:b, -1, a b, 2025-01-06T00:00:00Z]")
    }

    @Test func flowCollectionAsSequenceEntry() {
        #expect(rendered("- [a, b]\n- {c: d}\n- [\n    e]") == "[[a, b], {c: d}, [e]]")
    }

    @Test func propertiesInFlow() {
        #expect(
            rendered("[&a x, *a, !!str 1, !!null , &m {k: v}, *m]")
                == "[&a x, x, !!str 1, !!null <empty>, &m {k: v}, {k: v}]")
    }

    @Test func duplicateKeyInFlowMapping() {
        let error = expectError(
            "{a: 1, b: 2, a: 3}", .duplicateKey, "key 'a' is repeated in this mapping (first at line 1)",
            line: 1, column: 14, hint: "remove one of them")
        #expect(error?.relatedMark == at(1, 2))
    }

    @Test func missingSeparators() {
        expectError("a: {x: 1, y: 2]", .syntax, "expected ',' or '}' in flow mapping", line: 1, column: 15)
        expectError("[a, b}", .syntax, "expected ',' or ']' in flow sequence", line: 1, column: 6)
        expectError("[\"a\" \"b\"]", .syntax, "expected ',' or ']' in flow sequence", line: 1, column: 6)
        expectError("{\"a\" x}", .syntax, "expected ':' after the key in flow mapping", line: 1, column: 6)
        expectError(
            "[a, , b]", .syntax, "expected a value before ','", line: 1, column: 5, hint: "remove the extra ','")
    }

    @Test func unterminatedAtEndOfInput() {
        let error = expectError(
            "key: [a, b", .syntax, "unterminated flow sequence (started at line 1)", line: 1, column: 11)
        #expect(error?.relatedMark == at(1, 6))
        expectError("{a: 1,\n b: 2\n", .syntax, "unterminated flow mapping (started at line 1)", line: 3, column: 1)
    }

    @Test func unterminatedWhenALineIsNotIndented() {
        let error = expectError(
            "a: [1,\nb: 2]", .syntax, "unterminated flow sequence (started at line 1)", line: 2, column: 1,
            hint: "add the closing ']'; lines that continue it must be indented more than its parent")
        #expect(error?.relatedMark == at(1, 4))
        expectError("- {a: 1,\n---\n}", .syntax, "unterminated flow mapping (started at line 1)", line: 2, column: 1)
    }

    @Test func blockSyntaxInsideFlow() {
        expectError(
            "[- a]", .syntax, "block sequence entries are not allowed inside flow collections", line: 1, column: 2)
        expectError("[|]", .syntax, "block scalars are not allowed inside flow collections", line: 1, column: 2)
        expectError("{? a: 1}", .unsupported, "complex mapping keys are not supported", line: 1, column: 2)
        expectError("{[a]: b}", .unsupported, "complex mapping keys are not supported", line: 1, column: 2)
    }

    @Test func textAfterAFlowCollection() {
        expectError("a: [1] x", .syntax, "unexpected text after the flow collection", line: 1, column: 8)
        expectError("[1]: x", .unsupported, "complex mapping keys are not supported", line: 1, column: 1)
    }

    @Test func tabsInFlowIndentation() {
        #expect(rendered("[a,\n \tb]") == "[a, b]")
        expectError(
            "k: [a,\n\tb]", .syntax, "tab character used for indentation", line: 2, column: 1,
            hint: "indent with spaces; YAML does not allow tabs for indentation")
    }
}
