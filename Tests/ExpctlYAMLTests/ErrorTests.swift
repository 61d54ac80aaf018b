import ExpctlYAML
import Testing

@Suite("Errors: kinds, messages and marks")
struct ErrorTests {
    // MARK: Structure

    @Test func mappingValuesNotAllowed() {
        expectError(
            "key: a: b", .syntax, "mapping values are not allowed here", line: 1, column: 7,
            hint: "quote the value")
        expectError("key: \"a\": b", .syntax, "mapping values are not allowed here", line: 1, column: 9)
        expectError(
            "a: b\n  c: d", .syntax, "mapping values are not allowed here", line: 2, column: 4,
            hint: "check the indentation of this line; a value cannot continue onto a line that holds ': '")
        expectError("--- a: b", .syntax, "mapping values are not allowed here", line: 1, column: 6)
    }

    @Test func badIndentation() {
        expectError(
            "key:\n  - a\n - b", .syntax, "bad indentation of a sequence entry", line: 3, column: 2,
            hint: "align the '- ' with the other entries of its sequence")
        expectError("- \"a\"\n  - b", .syntax, "bad indentation of a sequence entry", line: 2, column: 3)
        expectError(
            "a:\n    b: 1\n  c: 2", .syntax, "bad indentation of a mapping entry", line: 3, column: 3,
            hint: "align the key with the other keys of its mapping")
        expectError("a: \"x\"\n  b: 1", .syntax, "bad indentation of a mapping entry", line: 2, column: 3)
    }

    @Test func mixingSequencesAndMappings() {
        expectError(
            "- a\nb: 1", .syntax, "expected a sequence entry ('- ') at this indentation", line: 2, column: 1,
            hint: "indent this line more if it belongs to the entry above")
        expectError(
            "a:\n  - b\n  c: 1", .syntax, "expected a sequence entry ('- ') at this indentation", line: 3, column: 3)
        expectError("a: 1\n- b", .syntax, "expected a mapping key, found a sequence entry", line: 2, column: 1)
        expectError(
            "a: - b", .syntax, "block sequence entries are not allowed here", line: 1, column: 4,
            hint: "start the sequence on the next line")
    }

    @Test func missingColon() {
        expectError(
            "a: 1\nb\nc: 2", .syntax, "could not find expected ':' after this key", line: 2, column: 2,
            hint: "write mapping entries as 'key: value'")
    }

    @Test func complexKeysAreUnsupported() {
        let hint = "use a plain or quoted scalar as the key"
        expectError("? a\n: b", .unsupported, "complex mapping keys are not supported", line: 1, column: 1, hint: hint)
        expectError("a: 1\n? b\n: c", .unsupported, "complex mapping keys are not supported", line: 2, column: 1)
        expectError("[a]: b", .unsupported, "complex mapping keys are not supported", line: 1, column: 1)
        expectError("- {a: 1}: b", .unsupported, "complex mapping keys are not supported", line: 1, column: 3)
    }

    @Test func charactersThatCannotStartAValue() {
        expectError("a: @x", .syntax, "a value cannot start with '@'", line: 1, column: 4, hint: "quote the value")
        expectError("a: `x`", .syntax, "a value cannot start with '`'", line: 1, column: 4)
        expectError("a: %x", .syntax, "a value cannot start with '%'", line: 1, column: 4)
        expectError("a: ]", .syntax, "a value cannot start with ']'", line: 1, column: 4)
        expectError("a: ,b", .syntax, "a value cannot start with ','", line: 1, column: 4)
        expectError("{a: : b}", .syntax, "':' cannot start a value here", line: 1, column: 5)
    }

    @Test func unexpectedTextAfterMarkers() {
        expectError("a: 1\n... x", .syntax, "unexpected text here", line: 2, column: 5)
    }

    // MARK: Duplicate keys

    @Test func duplicateKey() {
        let text = """
            name: exp
            variants:
              - name: control
                allocation: 0.9
                weight: 1
                allocation: 0.8
            """
        let error = expectError(
            text, .duplicateKey, "key 'allocation' is repeated in this mapping (first at line 4)", line: 6, column: 5,
            hint: "remove one of them")
        #expect(error?.relatedMark == at(4, 5))
    }

    @Test func duplicateKeysCompareText() {
        expectError(
            "a: 1\n\"a\": 2", .duplicateKey, "key 'a' is repeated in this mapping (first at line 1)",
            line: 2, column: 1)
        expectError(
            "'x y': 1\nx y: 2", .duplicateKey, "key 'x y' is repeated in this mapping (first at line 1)",
            line: 2, column: 1)
    }

    @Test func sameKeyInDifferentMappingsIsFine() {
        #expect(
            rendered("name: a\nsub:\n  name: b\nlist:\n- name: c\n- name: d")
                == "{name: a, sub: {name: b}, list: [{name: c}, {name: d}]}")
    }

    // MARK: Tabs

    @Test func tabsInIndentation() {
        let hint = "indent with spaces; YAML does not allow tabs for indentation"
        expectError("a:\n\tb: 1", .syntax, "tab character used for indentation", line: 2, column: 1, hint: hint)
        expectError("a:\n  \tb: 1", .syntax, "tab character used for indentation", line: 2, column: 3, hint: hint)
        expectError("- a\n\t- b", .syntax, "tab character used for indentation", line: 2, column: 1, hint: hint)
    }

    @Test func tabsElsewhereAreFine() {
        #expect(rendered("a:\tb\t# comment\n\t\n# c\n\t# indented comment\nc: d") == "{a: b, c: d}")
    }

    // MARK: Input encoding

    @Test func invalidUTF8() throws {
        let cases: [([UInt8], YAMLMark)] = [
            (Array("a: ".utf8) + [0xFF], at(1, 4)),
            (Array("é: 1\nb: é".utf8) + [0xC3], at(2, 5)),  // truncated sequence at the end
            (Array("a: ".utf8) + [0xC3, 0x41], at(1, 4)),  // lead byte without continuation
            (Array("a: ".utf8) + [0xC0, 0xAF], at(1, 4)),  // overlong
            (Array("a: ".utf8) + [0xED, 0xA0, 0x80], at(1, 4)),  // surrogate
            (Array("a: ".utf8) + [0xF4, 0x90, 0x80, 0x80], at(1, 4)),  // above U+10FFFF
            (Array("a:\r\n  x\r  yé".utf8) + [0x80], at(3, 5)),  // CRLF and a lone CR both end lines
            (Array("a: 1234567890".utf8) + [0x80], at(1, 14)),
        ]
        for (bytes, mark) in cases {
            #expect(throws: YAMLError.self) { try YAML.parse(bytes) }
            do {
                _ = try YAML.parse(bytes)
            } catch {
                #expect(error.kind == .invalidUTF8)
                #expect(error.mark == mark, "\(bytes)")
            }
        }
    }

    @Test func controlCharacters() {
        expectError("a: b\u{01}", .syntax, "control character U+0001 is not allowed in YAML", line: 1, column: 5)
        expectError("a: \u{7F}", .syntax, "control character U+007F is not allowed in YAML", line: 1, column: 4)
        expectError("a: \u{9B}", .syntax, "control character U+009B is not allowed in YAML", line: 1, column: 4)
        expectError("a: \u{0}", .syntax, "control character U+0000 is not allowed in YAML", line: 1, column: 4)
        #expect(rendered("a: \u{85}x") == "{a: \u{85}x}")
    }

    // MARK: Depth

    @Test func flowNestingTooDeep() {
        expectError(
            String(repeating: "[", count: 100_000), .tooDeep, "collections are nested more than 64 levels deep",
            line: 1, column: 65, hint: "flatten the structure")
        expectError(
            String(repeating: "{a: ", count: 100_000), .tooDeep, "collections are nested more than 64 levels deep",
            line: 1, column: 257)
        #expect(parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != nil)
    }

    @Test func blockNestingTooDeep() {
        expectError(
            String(repeating: "- ", count: 100_000) + "x", .tooDeep, "collections are nested more than 64 levels deep",
            line: 1, column: 129)
        let mappings = (0..<65).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n")
        expectError(mappings, .tooDeep, "collections are nested more than 64 levels deep", line: 65, column: 129)
    }

    @Test func depthLimitIsConfigurable() {
        let limits = YAMLLimits(maxDepth: 2, maxAliasExpansion: 10)
        #expect(parse("a: {b: 1}", limits: limits) != nil)
        let message = "collections are nested more than 2 levels deep"
        expectError("a: {b: [1]}", .tooDeep, message, line: 1, column: 8, limits: limits)
        expectError("a:\n  b:\n    - 1", .tooDeep, message, line: 3, column: 5, limits: limits)
    }
}
