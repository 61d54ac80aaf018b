import ExpctlYAML
import Testing

/// Valid YAML outside the supported subset is refused with the kind `unsupported`, a message
/// that names the construct and a hint that says how to write it instead.
@Suite("Unsupported constructs")
struct UnsupportedTests {
    @Test func emptyKeys() {
        let message = "empty mapping keys are not supported"
        let hint = "write the key before the ':'; for an empty string as the key, write \"\""
        expectError(": a", .unsupported, message, line: 1, column: 1, hint: hint)
        expectError(":\n\n\n", .unsupported, message, line: 1, column: 1)  // NHX8
        expectError("a: 1\n: 2", .unsupported, message, line: 2, column: 1)
        expectError("- :", .unsupported, message, line: 1, column: 3)  // UKK6/00
        expectError("{: a}", .unsupported, message, line: 1, column: 2)
        expectError("- [ : empty key ]", .unsupported, message, line: 1, column: 5)  // CFD4
        expectError("{a: 1, : 2}", .unsupported, message, line: 1, column: 8)
        #expect(rendered("\"\": a") == "{\"\": a}")
    }

    @Test func keysThatAreOnlyATagOrAnAnchor() {
        expectError(
            "!!str : a", .unsupported, "a mapping key that is only a tag is not supported", line: 1, column: 1,
            hint: "write the key's text after it, e.g. '!!str key: value'; for an empty string as the key, write \"\"")
        expectError(  // FH7J
            "-\n  !!null : a", .unsupported, "a mapping key that is only a tag is not supported", line: 2, column: 3)
        expectError(
            "&a : a", .unsupported, "a mapping key that is only an anchor is not supported", line: 1, column: 1,
            hint: "write the key's text after it, e.g. '&name key: value'; for an empty string as the key, write \"\"")
        expectError(
            "b: 1\n&a !!str : a", .unsupported, "a mapping key that is only an anchor and a tag is not supported",
            line: 2, column: 1)
        expectError(
            "[!!str : a]", .unsupported, "a mapping key that is only a tag is not supported", line: 1, column: 2)
        expectError(
            "{&k : v}", .unsupported, "a mapping key that is only an anchor is not supported", line: 1, column: 2)
    }

    @Test func complexKeysInFlowSequences() {
        let message = "complex mapping keys are not supported"
        let hint = "use a plain or quoted scalar as the key"
        expectError("[ [a]: b ]", .unsupported, message, line: 1, column: 3, hint: hint)
        expectError("[ {x: y}: z ]", .unsupported, message, line: 1, column: 3, hint: hint)
        expectError("a: &m [x]\nb: [ *m : z ]", .unsupported, message, line: 2, column: 6)
        #expect(rendered("a: &k key\nb: [ *k : z ]") == "{a: &k key, b: [{key: z}]}")
    }

    @Test func flowCollectionKeyWithAnchorsOnTwoLines() {
        // 6BFJ: the first anchor is the mapping's, the second the key's; the key is a flow sequence.
        expectError(
            "---\n&mapping\n&key [ &item a, b, c ]: value", .unsupported, "complex mapping keys are not supported",
            line: 3, column: 6)
        expectError("&m\n&k [a]", .syntax, "a node can have only one anchor", line: 2, column: 1)
    }
}
