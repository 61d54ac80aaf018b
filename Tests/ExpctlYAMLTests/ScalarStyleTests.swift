import ExpctlYAML
import Testing

@Suite("Plain, quoted and block scalars")
struct ScalarStyleTests {
    // MARK: Plain

    @Test func plainScalarsWithColonsAndHashes() {
        let text = """
            url: https://example.com:8080/path?x=1#frag
            policy: planner_policy@1
            at: 2025-01-06T00:00:00Z
            tag: a#b
            ratio: 1:2
            comment: value # not part of it
            """
        #expect(
            rendered(text) == "{url: https://example.com:8080/path?x=1#frag, policy: planner_policy@1, "
                + "at: 2025-01-06T00:00:00Z, tag: a#b, ratio: 1:2, comment: value}")
    }

    @Test func multiLinePlainScalarsFold() throws {
        let text = """
            key: this is
              a long

              value
            next: 1
            """
        let root = try #require(parse(text))
        #expect(root["key"]?.scalar == YAMLScalar(text: "this is a long\nvalue", style: .plain))
        #expect(root["next"]?.mark == at(5, 7))
    }

    @Test func plainContinuationInSequenceAndAtTopLevel() {
        #expect(rendered("- a\n  b\n- c  \n   d # done\n- e") == "[a b, c d, e]")
        #expect(rendered("just\n  some text\nhere") == "just some text here")
    }

    @Test func plainScalarEndsAtAComment() {
        #expect(rendered("a: x # c\nb: y") == "{a: x, b: y}")
        #expect(rendered("a: x\n  # comment\nb: y") == "{a: x, b: y}")
        expectError("a: x\n  # comment\n  y: 1", .syntax, "bad indentation of a mapping entry", line: 3, column: 3)
    }

    @Test func plainScalarsMayStartWithIndicatorsFollowedByText() {
        #expect(rendered("[-1, :x, ?y]") == "[-1, :x, ?y]")
        #expect(rendered("a: -1\nb: ?x\nc: :y") == "{a: -1, b: ?x, c: :y}")
    }

    @Test func tabsInsideValues() {
        #expect(parse("a: x\ty\nb:\tc")?.mapping?.map { $0.value.scalar?.text } == ["x\ty", "c"])
    }

    // MARK: Quoted

    @Test func singleQuoted() throws {
        let root = try #require(parse("a: 'it''s'\nb: 'x\n  y\n\n  z'\nc: ''\nd: 'a \\n b'"))
        #expect(root["a"]?.scalar == YAMLScalar(text: "it's", style: .singleQuoted))
        #expect(root["b"]?.scalar?.text == "x y\nz")
        #expect(root["c"]?.scalar?.text == "")
        #expect(root["d"]?.scalar?.text == "a \\n b")
    }

    @Test func doubleQuotedEscapes() throws {
        // The last escape is a backslash followed by a real tab.
        let text = #"a: "\\ \" \n \t \r \0 \/ \x41 \u00e9 \U0001F600 \a\b\e\f\v \_ \N \L \P \"# + "\tend\""
        let root = try #require(parse(text))
        #expect(
            root["a"]?.scalar?.text
                == "\\ \" \n \t \r \0 / A é 😀 \u{07}\u{08}\u{1B}\u{0C}\u{0B} \u{A0} \u{85} \u{2028} \u{2029} \tend")
        #expect(root["a"]?.scalar?.style == .doubleQuoted)
    }

    @Test func doubleQuotedFolding() throws {
        let root = try #require(parse("a: \"one  \n   two\n\n   three\"\nb: \"x\\\n   y\"\nc: \"keep \\\n  spaces\""))
        #expect(root["a"]?.scalar?.text == "one two\nthree")
        #expect(root["b"]?.scalar?.text == "xy")
        #expect(root["c"]?.scalar?.text == "keep spaces")
    }

    @Test func quotedScalarsAreNotResolved() throws {
        let root = try #require(parse("a: \"3\"\nb: 'true'\nc: \"\"\nd: 3"))
        #expect(root["a"]?.scalar == YAMLScalar(text: "3", style: .doubleQuoted))
        #expect(root["a"]?.scalar?.integer == nil)
        #expect(root["b"]?.scalar?.bool == nil)
        #expect(root["c"]?.scalar?.isNull == false)
        #expect(root["d"]?.scalar?.integer == 3)
    }

    @Test func quotedScalarErrors() {
        let error = expectError(
            "a: \"abc\nb: 1", .syntax, "unterminated double-quoted string (started at line 1)", line: 2, column: 1)
        #expect(error?.relatedMark == at(1, 4))
        expectError("a: \"abc", .syntax, "unterminated double-quoted string (started at line 1)", line: 1, column: 8)
        expectError("a: 'abc\n", .syntax, "unterminated single-quoted string (started at line 1)", line: 2, column: 1)
        expectError(
            "a: \"C:\\path\"", .syntax, "invalid escape sequence '\\p' in a double-quoted string", line: 1, column: 7,
            hint: "write '\\\\' for a backslash, or use single quotes")
        expectError("a: \"\\u12\"", .syntax, "expected 4 hexadecimal digits after '\\u'", line: 1, column: 9)
        expectError("a: \"\\uD800\"", .syntax, "escape sequence is not a valid Unicode scalar", line: 1, column: 5)
        expectError("a: \"\\", .syntax, "unterminated double-quoted string (started at line 1)", line: 1, column: 6)
        expectError(
            "a: \"x\" y", .syntax, "unexpected text after the quoted string", line: 1, column: 8,
            hint: "quote the whole value")
        expectError("\"multi\n line\": 1", .syntax, "a mapping key must be on a single line", line: 1, column: 1)
    }

    // MARK: Block scalars

    @Test func literalWithChomping() throws {
        let text = """
            clip: |
              line1
               indented

              line3

            strip: |-
              x

            keep: |+
              y


            last: 1
            """
        let root = try #require(parse(text))
        #expect(root["clip"]?.scalar == YAMLScalar(text: "line1\n indented\n\nline3\n", style: .literal))
        #expect(root["clip"]?.mark == at(1, 7))
        #expect(root["strip"]?.scalar?.text == "x")
        #expect(root["keep"]?.scalar?.text == "y\n\n\n")
        #expect(root.mapping?[3].key.mark == at(14, 1))
    }

    @Test func foldedWithMoreIndentedLines() throws {
        let text = """
            a: >
              folded
              text

              new paragraph
                more indented
                lines
              back
            b: >-
              x
              y
            """
        let root = try #require(parse(text))
        let expected = "folded text\nnew paragraph\n  more indented\n  lines\nback\n"
        #expect(root["a"]?.scalar == YAMLScalar(text: expected, style: .folded))
        #expect(root["b"]?.scalar?.text == "x y")
    }

    @Test func explicitIndentationAndComments() throws {
        let root = try #require(parse("a: |2  # a comment\n    x\n   y\nb: >1-\n  z\n"))
        #expect(root["a"]?.scalar?.text == "  x\n y\n")
        #expect(root["b"]?.scalar?.text == " z")
    }

    @Test func blockScalarsInSequencesAndAtTheEnd() {
        #expect(rendered("- |\n  lit\n- >\n  fold\n- end") == "[|\"lit\\n\", >\"fold\\n\", end]")
        #expect(rendered("a: |\n  no newline at the end") == "{a: |\"no newline at the end\"}")
        #expect(rendered("a: |\nb: 1") == "{a: |\"\", b: 1}")
        #expect(rendered("--- |\nfoo\n  bar\n") == "|\"foo\\n  bar\\n\"")
    }

    @Test func blockScalarLeadingEmptyLines() {
        #expect(rendered("a: |\n\n  x\n") == "{a: |\"\\nx\\n\"}")
        expectError(
            "a: |\n   \n  x", .syntax, "a leading empty line of this block scalar has more spaces than its first line",
            line: 3, column: 3)
    }

    @Test func blockScalarHeaderErrors() {
        expectError(
            "a: |x", .syntax, "unexpected text after the block scalar indicator", line: 1, column: 5,
            hint: "start the text on the next line, indented")
        expectError(
            "a: |0\n  x", .syntax, "a block scalar's indentation indicator must be between 1 and 9", line: 1, column: 5)
    }

    // MARK: Columns

    @Test func columnsCountUnicodeScalars() throws {
        let root = try #require(parse("ключ: значение\nb: [é, \"ü\", 😀x]\n"))
        #expect(root.mapping?[0].value.mark == at(1, 7))
        let items = try #require(root["b"]?.sequence)
        #expect(items.map(\.mark) == [at(2, 5), at(2, 8), at(2, 13)])
        #expect(items[2].scalar?.text == "😀x")
    }
}
