import ExpctlYAML
import Testing

/// Tabs: YAML indents with spaces only, but a tab may separate a scalar or flow collection from
/// the indentation or the indicator before it (the test ids are the YAML test suite's).
@Suite("Tabs as separation and as indentation")
struct TabTests {
    static let hint = "indent with spaces; YAML does not allow tabs for indentation"

    @Test func tabBeforeAScalarOrFlowNodeSeparates() {
        #expect(rendered("foo:\n \tbar") == "{foo: bar}")  // DK95/00
        #expect(rendered("\tfoo") == "foo")
        #expect(rendered("\t[\n\t]") == "[]")  // 6CA3
        #expect(rendered("\t{}") == "{}")  // Q5MG
        #expect(rendered("-\t-1") == "[-1]")  // Y79Y/010
        #expect(rendered("a:\n  \t\"q\"\nb:\n \t|\n  x\n") == #"{a: "q", b: |"x\n"}"#)
        #expect(rendered("- a\n \tb") == "[a b]")
    }

    @Test func tabBeforeANestedBlockSequenceOrMappingIsAnError() {
        // Y79Y/004
        expectError("-\t-", .syntax, "tab character used for indentation", line: 1, column: 2, hint: Self.hint)
        expectError("- \t-", .syntax, "tab character used for indentation", line: 1, column: 3)  // Y79Y/005
        expectError("-\tkey: v", .syntax, "tab character used for indentation", line: 1, column: 2)
        expectError("a:\n \t- b", .syntax, "tab character used for indentation", line: 2, column: 2)
        expectError("a:\n\t- b", .syntax, "tab character used for indentation", line: 2, column: 1)
    }

    @Test func tabInTheIndentationOfAnEntryIsAnError() {
        expectError("a:\n  \tb: 1", .syntax, "tab character used for indentation", line: 2, column: 3)
        // DK95/06
        expectError("a:\n  b: 1\n  \tc: 2", .syntax, "tab character used for indentation", line: 3, column: 3)
        expectError("a:\n  - x\n\t- y", .syntax, "tab character used for indentation", line: 3, column: 1)
        expectError("a: 1\n\tb", .syntax, "tab character used for indentation", line: 2, column: 1)
        expectError("\ta: 1", .syntax, "tab character used for indentation", line: 1, column: 1)
    }

    @Test func linesOfBlanksWithTabsAreEmpty() {
        #expect(rendered(" \t\nfoo: 1") == "{foo: 1}")  // DK95/03
        #expect(rendered("foo: 1\n \t\nbar: 2") == "{foo: 1, bar: 2}")  // DK95/05
        #expect(rendered("- [\n\t\n foo\n ]") == "[[foo]]")  // Y79Y/002
        // Y79Y/003
        expectError("- [\n\tfoo,\n foo\n ]", .syntax, "tab character used for indentation", line: 2, column: 1)
    }
}
