import ExpctlYAML
import Testing

/// `%YAML` and `%TAG` are checked as YAML 1.2 defines them; other directives, other versions and
/// redefinitions of YAML's own tags are refused (the test ids are the YAML test suite's).
@Suite("Directives")
struct DirectiveTests {
    @Test func wellFormedDirectives() {
        #expect(rendered("%YAML 1.2\n---\na: 1") == "{a: 1}")
        #expect(rendered("%YAML  1.2  # comment\n---\na") == "a")
        #expect(rendered("%YAML \t 1.2\n\t\n---\n") == "<empty>")  // DK95/07
        #expect(rendered("%TAG !e! tag:example.com,2000:app/\n---\n- !e!foo \"bar\"") == #"[!e!foo "bar"]"#)
        #expect(rendered("%TAG !m! !my-\n%YAML 1.2\n--- !m!light x") == "!m!light x")
    }

    @Test func malformedYAMLDirectives() {
        expectError(  // H7TQ
            "%YAML 1.2 foo\n---\n", .syntax, "unexpected text after the %YAML version", line: 1, column: 11,
            hint: "%YAML takes only a version, e.g. '%YAML 1.2'")
        expectError(  // MUS6/00
            "%YAML 1.1#...\n---\n", .syntax, "unexpected text after the %YAML version", line: 1, column: 10,
            hint: "put a space before the '#' of a comment")
        let repeated = expectError(  // SF5V
            "%YAML 1.2\n%YAML 1.2\n---\n", .syntax, "the %YAML directive is repeated (first at line 1)",
            line: 2, column: 1, hint: "remove one of them")
        #expect(repeated?.relatedMark == at(1, 1))
        expectError("%YAML\n---\n", .syntax, "expected a version such as 1.2 after %YAML", line: 1, column: 6)
        expectError("%YAML 1\n---\n", .syntax, "expected a version such as 1.2 after %YAML", line: 1, column: 7)
        expectError("%YAML x.2\n---\n", .syntax, "expected a version such as 1.2 after %YAML", line: 1, column: 7)
        expectError("%\n---\n", .syntax, "expected a directive name after '%'", line: 1, column: 2)
        expectError(
            "%YAML 1.2\na: 1", .syntax, "expected '---' after the directives", line: 2, column: 1,
            hint: "add a '---' line after them")
    }

    @Test func otherVersionsAreUnsupported() {
        expectError(
            "%YAML 1.1\n---\nflag: yes", .unsupported, "YAML version 1.1 is not supported", line: 1, column: 7,
            hint: "this reader reads YAML 1.2, which reads some values differently (yes/no, on/off, 0644, 1_000): "
                + "check them and write '%YAML 1.2', or remove the line")
        expectError(  // BEC7
            "%YAML 1.3 # Attempt parsing\n---\n\"foo\"", .unsupported, "YAML version 1.3 is not supported",
            line: 1, column: 7,
            hint: "this reader reads YAML 1.2: write '%YAML 1.2' if the file is YAML 1.2, or remove the line")
        expectError("%YAML 2.0\n---\n", .unsupported, "YAML version 2.0 is not supported", line: 1, column: 7)
    }

    @Test func unknownDirectivesAreUnsupported() {
        let hint = "remove it; only the %YAML and %TAG directives are read"
        expectError(  // 6LVF
            "%FOO  bar baz # Should be ignored\n--- \"foo\"", .unsupported, "the directive '%FOO' is not supported",
            line: 1, column: 1, hint: hint)
        expectError("%YAM 1.1\n---\n", .unsupported, "the directive '%YAM' is not supported", line: 1, column: 1)
        expectError(
            "%YAML 1.2\n%YAMLL 1.1\n---\n", .unsupported, "the directive '%YAMLL' is not supported", line: 2,
            column: 1)
    }

    @Test func tagDirectives() {
        expectError(
            "%TAG !e! a:\n%TAG !e! b:\n---\n", .syntax,
            "the %TAG directive for the handle '!e!' is repeated (first at line 1)", line: 2, column: 1)
        expectError(
            "%TAG e! a:\n---\n", .syntax, "invalid tag handle 'e!' in a %TAG directive", line: 1, column: 6,
            hint: "a tag handle is '!', '!!' or a name between two '!', such as '!e!'")
        expectError("%TAG !e!\n---\n", .syntax, "expected a tag prefix after the handle '!e!'", line: 1, column: 9)
        expectError("%TAG !e! {x}\n---\n", .syntax, "invalid tag prefix '{x}' in a %TAG directive", line: 1, column: 10)
        expectError("%TAG !e! a: b\n---\n", .syntax, "unexpected text after the %TAG prefix", line: 1, column: 13)
    }

    @Test func redefiningYAMLsOwnTagsIsUnsupported() {
        expectError(  // P76L: '!!int 1 - 3' would not be an integer tag
            "%TAG !! tag:example.com,2000:app/\n---\n!!int 1 - 3", .unsupported,
            "redefining the tag handle '!!' is not supported", line: 1, column: 6,
            hint: "declare a named handle such as '!e!' for your tags")
        expectError(
            "%TAG ! tag:yaml.org,2002:\n---\n!str 3", .unsupported, "redefining the tag handle '!' is not supported",
            line: 1, column: 6)
        expectError(
            "%TAG !y! tag:yaml.org,2002:\n---\n!y!str 3", .unsupported,
            "a %TAG prefix for YAML's own tags is not supported", line: 1, column: 10,
            hint: "write YAML's tags with the '!!' handle, e.g. '!!str'")
    }

    @Test func namedTagHandlesMustBeDeclared() {
        expectError(
            "a: !e!x y", .syntax, "undefined tag handle '!e!'", line: 1, column: 4,
            hint: "declare it with a '%TAG !e! prefix' line before '---', or write a local tag such as '!name'")
        #expect(
            rendered("a: !e x\nb: !!str y\nc: !<tag:e.com,2000:x> z")
                == "{a: !e x, b: !!str y, c: !<tag:e.com,2000:x> z}")
    }
}
