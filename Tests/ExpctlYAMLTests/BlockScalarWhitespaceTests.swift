import ExpctlYAML
import Testing

/// Tabs and trailing spaces around block scalars, read as the YAML test suite reads them (the
/// test ids are the suite's).
@Suite("Block scalars: tabs and trailing whitespace")
struct BlockScalarWhitespaceTests {
    @Test func tabAfterTheFirstLinesSpacesIsContent() {
        #expect(rendered("foo: |\n \t\nbar: 1") == #"{foo: |"\t\n", bar: 1}"#)  // Y79Y/001
        #expect(rendered("- >\n \t\n detected\n") == #"[>"\t\ndetected\n"]"#)  // R4YG
        #expect(rendered("a: |\n  \t x\n  y") == #"{a: |"\t x\ny"}"#)
        #expect(rendered("a: |\n  x\n  \t\n") == #"{a: |"x\n\t\n"}"#)
    }

    @Test func tabBeforeTheIndentationIsAnError() {
        let hint = "indent block scalar lines with spaces; a tab is content only after the indentation"
        // Y79Y/000
        expectError("foo: |\n\t\nbar: 1", .syntax, "tab character used for indentation", line: 2, column: 1, hint: hint)
        expectError("a: |\n  x\n \t\nb: 1", .syntax, "tab character used for indentation", line: 3, column: 2)
        expectError("- |\n  x\n\t# c\n- y", .syntax, "tab character used for indentation", line: 3, column: 1)
    }

    @Test func tabLinesAmongTheFinalCommentsEndTheScalar() {
        #expect(rendered("foo: |\n\t\n") == #"{foo: |""}"#)
        #expect(rendered("a: |+\n  x\n\n\t\n# end\n") == #"{a: |"x\n\n"}"#)
        #expect(rendered("a: |\n  x\n \t\n...\n") == #"{a: |"x\n"}"#)
        #expect(rendered("a: |\n  x\n# c\n\t\nb: 1") == #"{a: |"x\n", b: 1}"#)  // after a trailing comment
    }

    @Test func lastLineOfSpacesWithoutLineBreak() {
        #expect(rendered("- |+\n   ") == #"[|"\n"]"#)  // JEF9/02, as JEF9/01 with the break
        #expect(rendered("- |+\n   \n") == #"[|"\n"]"#)
        #expect(rendered("foo: |\n  x\n   ") == #"{foo: |"x\n \n"}"#)  // L24T/01, as L24T/00
        #expect(rendered("foo: |\n  x\n   \n") == #"{foo: |"x\n \n"}"#)
        #expect(rendered("a: |+\n  x\n  ") == #"{a: |"x\n\n"}"#)
        #expect(rendered("a: |+\n  x\n\n ") == #"{a: |"x\n\n\n"}"#)
        #expect(rendered("a: |-\n  x\n   ") == #"{a: |"x\n "}"#)
        #expect(rendered("a: >+\n  x\n ") == #"{a: >"x\n\n"}"#)
    }

    @Test func lastLineWithTextWithoutLineBreak() {
        #expect(rendered("a: |+\n  x") == #"{a: |"x"}"#)
        #expect(rendered("a: |\n  x\n\n  y") == #"{a: |"x\n\ny"}"#)
        #expect(rendered("a: >\n  x\n  y") == #"{a: >"x y"}"#)
    }

    @Test func keepChompingKeepsEveryTrailingBreak() {
        #expect(rendered("- |+\n\n\n") == #"[|"\n\n"]"#)  // JEF9/00
        #expect(rendered("a: |+\n  x\n\n\nb: 1") == #"{a: |"x\n\n\n", b: 1}"#)
        #expect(rendered("a: >+\n  x\n  \n") == #"{a: >"x\n\n"}"#)
    }
}
