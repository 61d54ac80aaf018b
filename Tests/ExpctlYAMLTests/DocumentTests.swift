import ExpctlYAML
import Testing

@Suite("Documents, markers and input forms")
struct DocumentTests {
    @Test(arguments: ["", "\n\n", "   \n", "# only a comment", "# one\n\n  # two\n", "...", "# c\n...\n# c\n"])
    func noDocument(text: String) {
        #expect(rendered(text) == "nil")
    }

    @Test func documentStartMarker() {
        #expect(rendered("---\na: 1") == "{a: 1}")
        #expect(rendered("--- # comment\na: 1\n") == "{a: 1}")
        #expect(rendered("--- text") == "text")
        #expect(rendered("--- [1, 2]") == "[1, 2]")
        #expect(rendered("--- &a !!str x") == "&a !!str x")
        #expect(rendered("--- |\n  block\n") == "|\"block\\n\"")
    }

    @Test func emptyExplicitDocumentIsAnEmptyScalar() throws {
        let root = try #require(parse("---\n"))
        #expect(root.scalar == YAMLScalar(text: "", style: .plain))
        #expect(root.mark == at(1, 4))
    }

    @Test func documentEndMarker() {
        #expect(rendered("a: 1\n...\n") == "{a: 1}")
        #expect(rendered("---\n- x\n...\n# trailing comment\n") == "[x]")
        #expect(rendered("key: value\n... # done") == "{key: value}")
    }

    @Test func directivesComeBeforeTheDocumentStart() {
        #expect(rendered("%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\na: 1\n...\n") == "{a: 1}")
        #expect(rendered("---\nscalar\n%YAML 1.2") == "scalar %YAML 1.2")  // XLQ9: not a directive
    }

    @Test func secondDocumentIsUnsupported() {
        let message = "multiple YAML documents in one file are not supported"
        let hint = "split them into separate files"
        expectError("a: 1\n---\nb: 2", .unsupported, message, line: 2, column: 1, hint: hint)
        expectError("---\na: 1\n---\n", .unsupported, message, line: 3, column: 1, hint: hint)
        expectError("a: 1\n...\n---\nb: 2", .unsupported, message, line: 3, column: 1, hint: hint)
        expectError("a: 1\n...\nb: 2", .unsupported, message, line: 3, column: 1, hint: hint)
        expectError("- a\n--- b", .unsupported, message, line: 2, column: 1, hint: hint)
    }

    @Test func markersMustStartTheLine() {
        #expect(rendered("a: ---\nb: ...") == "{a: ---, b: ...}")
        #expect(rendered("- ---x") == "[---x]")
    }

    @Test func topLevelScalars() {
        #expect(rendered("hello") == "hello")
        #expect(rendered("\"quoted\"\n# comment") == "\"quoted\"")
        expectError("*", .syntax, "expected a name after '*'", line: 1, column: 2)
    }

    @Test func contentAfterTheRootNode() {
        expectError(
            "\"a\"\nb: 1", .syntax, "unexpected content after the document's root node", line: 2, column: 1,
            hint: "check the indentation of this line")
        expectError("  a: 1\nb: 2", .syntax, "unexpected content after the document's root node", line: 2, column: 1)
        expectError("[1]\n[2]", .syntax, "unexpected content after the document's root node", line: 2, column: 1)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let root = try #require(parse("\u{FEFF}a: 1\nb: é"))
        #expect(render(root) == "{a: 1, b: é}")
        #expect(root.mapping?[0].key.mark == at(1, 1))
        #expect(root.mapping?[0].value.mark == at(1, 4))
    }

    @Test func allInputFormsAgree() throws {
        let text = "a: [1, \"two\"]\nb: {c: d}\n"
        let bytes = Array(text.utf8)
        let fromString = try #require(try YAML.parse(text))
        let fromArray = try #require(try YAML.parse(bytes))
        let fromBuffer = try #require(try bytes.withUnsafeBufferPointer { try YAML.parse($0) })
        #expect(fromString == fromArray)
        #expect(fromArray == fromBuffer)
        #expect(try YAML.parse([UInt8]()) == nil)
        #expect(try YAML.parse(UnsafeBufferPointer<UInt8>(start: nil, count: 0)) == nil)
    }

    @Test func errorDescription() {
        let error = YAMLError(kind: .syntax, message: "bad thing", mark: at(3, 5), hint: "fix it")
        #expect(error.description == "line 3, column 5: bad thing (hint: fix it)")
        #expect(YAMLError(kind: .syntax, message: "m", mark: at(1, 2)).description == "line 1, column 2: m")
        #expect(at(3, 5).description == "3:5")
    }
}
