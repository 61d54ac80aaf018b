// Directives, the `%` lines before `---`: `%YAML 1.2` and `%TAG !e! tag:example.com,2000:`.
//
// Both are checked as YAML 1.2 defines them. Directives YAML reserves for later use, which it
// says to ignore with a warning, are refused instead: this reader has no warnings, and a
// directive it does not know could change what the document means.

extension Parser {
    /// Reads one directive line from its `%` through the end of the line (before its break).
    mutating func parseDirective() throws(YAMLError) {
        let directiveMark = mark
        pos += 1
        let nameStart = pos
        while !Byte.isBlankOrBreakOrEnd(peek()) { pos += 1 }
        let name = string(nameStart..<pos)
        switch name {
        case "YAML":
            try parseYAMLDirective(at: directiveMark)
        case "TAG":
            try parseTagDirective(at: directiveMark)
        case "":
            throw .syntax(
                "expected a directive name after '%'", at: mark, hint: "write '%YAML 1.2', or remove the line")
        default:
            throw .unsupported(
                "the directive '%\(name)' is not supported", at: directiveMark,
                hint: "remove it; only the %YAML and %TAG directives are read")
        }
    }

    /// `%YAML 1.2`: once per document; other versions are refused, as this reader reads 1.2 only.
    private mutating func parseYAMLDirective(at directiveMark: YAMLMark) throws(YAMLError) {
        if let first = yamlDirectiveMark {
            throw .syntax(
                "the %YAML directive is repeated (first at line \(first.line))", at: directiveMark,
                hint: "remove one of them", related: first)
        }
        yamlDirectiveMark = directiveMark
        try skipDirectiveSeparation(expecting: "a version such as 1.2 after %YAML")
        let versionMark = mark
        guard let major = scanDigits(), peek() == .dot else { throw badVersion(at: versionMark) }
        pos += 1
        guard let minor = scanDigits() else { throw badVersion(at: versionMark) }
        let version = "\(major).\(minor)"
        try finishDirectiveLine(what: "the %YAML version", usage: "%YAML takes only a version, e.g. '%YAML 1.2'")
        guard major == 1 && minor == 2 else {
            let hint =
                major == 1 && minor < 2
                ? "this reader reads YAML 1.2, which reads some values differently (yes/no, on/off, 0644, 1_000): "
                    + "check them and write '%YAML 1.2', or remove the line"
                : "this reader reads YAML 1.2: write '%YAML 1.2' if the file is YAML 1.2, or remove the line"
            throw .unsupported("YAML version \(version) is not supported", at: versionMark, hint: hint)
        }
    }

    /// `%TAG handle prefix`, at most once per handle. The `!` and `!!` handles, and prefixes that
    /// name YAML's own tags, are refused: they would change what `!!str` and `!` mean, which
    /// `YAMLScalar` resolves by the tag as written.
    private mutating func parseTagDirective(at directiveMark: YAMLMark) throws(YAMLError) {
        try skipDirectiveSeparation(expecting: "a tag handle such as '!e!' after %TAG")
        let handleMark = mark
        let handleStart = pos
        while !Byte.isBlankOrBreakOrEnd(peek()) { pos += 1 }
        let handle = string(handleStart..<pos)
        guard Self.isTagHandle(bytes[handleStart..<pos]) else {
            throw .syntax(
                "invalid tag handle '\(handle)' in a %TAG directive", at: handleMark,
                hint: "a tag handle is '!', '!!' or a name between two '!', such as '!e!'")
        }
        try skipDirectiveSeparation(expecting: "a tag prefix after the handle '\(handle)'")
        let prefixMark = mark
        let prefixStart = pos
        while !Byte.isBlankOrBreakOrEnd(peek()) { pos += 1 }
        let prefix = string(prefixStart..<pos)
        guard Self.isTagPrefix(bytes[prefixStart..<pos]) else {
            throw .syntax(
                "invalid tag prefix '\(prefix)' in a %TAG directive", at: prefixMark,
                hint: "a prefix is a URI such as 'tag:example.com,2000:' or a local prefix such as '!my-'")
        }
        try finishDirectiveLine(what: "the %TAG prefix", usage: "%TAG takes a handle and a prefix")
        if let first = tagHandles[handle] {
            throw .syntax(
                "the %TAG directive for the handle '\(handle)' is repeated (first at line \(first.line))",
                at: directiveMark, hint: "remove one of them", related: first)
        }
        guard handle != "!" && handle != "!!" else {
            throw .unsupported(
                "redefining the tag handle '\(handle)' is not supported", at: handleMark,
                hint: "declare a named handle such as '!e!' for your tags")
        }
        guard !prefix.hasPrefix("tag:yaml.org,2002:") else {
            throw .unsupported(
                "a %TAG prefix for YAML's own tags is not supported", at: prefixMark,
                hint: "write YAML's tags with the '!!' handle, e.g. '!!str'")
        }
        tagHandles[handle] = directiveMark
    }

    /// Skips the blanks that must separate a directive's parts.
    private mutating func skipDirectiveSeparation(expecting what: String) throws(YAMLError) {
        let start = pos
        skipBlanks()
        guard pos > start, !Byte.isBreakOrEnd(peek()), peek() != .hash else {
            throw .syntax("expected \(what)", at: mark)
        }
    }

    /// Checks that only blanks and a comment follow on the directive's line.
    private mutating func finishDirectiveLine(what: String, usage: String) throws(YAMLError) {
        if !Byte.isBlankOrBreakOrEnd(peek()) {
            let hint = peek() == .hash ? "put a space before the '#' of a comment" : usage
            throw .syntax("unexpected text after \(what)", at: mark, hint: hint)
        }
        skipBlanks()
        if peek() == .hash { skipToLineEnd() }
        guard Byte.isBreakOrEnd(peek()) else {
            throw .syntax("unexpected text after \(what)", at: mark, hint: usage)
        }
    }

    private mutating func scanDigits() -> Int? {
        var value = 0
        let start = pos
        while peek() >= UInt8(ascii: "0") && peek() <= UInt8(ascii: "9") {
            value = min(value * 10 + Int(peek() - UInt8(ascii: "0")), 1_000_000)  // no overflow
            pos += 1
        }
        return pos > start ? value : nil
    }

    private mutating func badVersion(at versionMark: YAMLMark) -> YAMLError {
        .syntax("expected a version such as 1.2 after %YAML", at: versionMark, hint: "write '%YAML 1.2'")
    }

    /// `!`, `!!` or `!name!` with a name of letters, digits and `-`.
    static func isTagHandle(_ handle: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard handle.first == .bang else { return false }
        if handle.count == 1 { return true }
        guard handle.last == .bang else { return false }
        return handle.dropFirst().dropLast().allSatisfy(Byte.isWordCharacter)
    }

    /// A local prefix (`!...`) or a global one that does not start with a flow indicator, made of
    /// URI characters and `%` escapes.
    private static func isTagPrefix(_ prefix: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = prefix.first, !Byte.isFlowIndicator(first) else { return false }
        var index = prefix.startIndex
        while index < prefix.endIndex {
            let byte = prefix[index]
            if byte == .percent {
                guard index + 2 < prefix.endIndex, Byte.isHexDigit(prefix[index + 1]),
                    Byte.isHexDigit(prefix[index + 2])
                else { return false }
                index += 3
                continue
            }
            guard Byte.isURICharacter(byte) else { return false }
            index += 1
        }
        return true
    }
}

extension Byte {
    /// `[0-9A-Za-z-]`, the characters of a named tag handle.
    static func isWordCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"), .dash:
            return true
        default:
            return false
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"),
            UInt8(ascii: "a")...UInt8(ascii: "f"):
            return true
        default:
            return false
        }
    }

    /// A word character or one of `#;/?:@&=+$,_.!~*'()[]`, YAML's URI characters besides `%`.
    static func isURICharacter(_ byte: UInt8) -> Bool {
        isWordCharacter(byte) || "#;/?:@&=+$,_.!~*'()[]".utf8.contains(byte)
    }
}
