// Single-quoted ('it''s') and double-quoted ("tab\there") scalars.

extension Parser {
    /// Reads a quoted scalar from its opening quote through its closing one.
    ///
    /// Lines after the first continue the string and must be indented at least `minIndent`
    /// spaces, as YAML requires; this also makes a missing closing quote show up at the first
    /// line that is clearly not part of the string, instead of at the end of the file.
    mutating func scanQuotedScalar(minIndent: Int) throws(YAMLError) -> (text: String, style: YAMLScalarStyle) {
        let quote = peek()
        let isDouble = quote == .doubleQuote
        let style: YAMLScalarStyle = isDouble ? .doubleQuoted : .singleQuoted
        let startMark = mark
        pos += 1

        // Most strings are one line without escapes: take their bytes as they are.
        var end = pos
        while end < bytes.count {
            let current = bytes[end]
            if current == quote {
                if !isDouble && byte(at: end + 1) == .singleQuote { break }
                let text = string(pos..<end)
                pos = end + 1
                return (text, style)
            }
            if isDouble && current == .backslash || Byte.isBreak(current) { break }
            end += 1
        }

        var text: [UInt8] = []
        text.reserveCapacity(end - pos + 16)
        // The length of `text` without the trailing blanks that a line break would remove.
        var contentEnd = 0
        while true {
            let byte = peek()
            switch byte {
            case quote:
                pos += 1
                guard !isDouble && peek() == .singleQuote else { return (String(decoding: text, as: UTF8.self), style) }
                text.append(.singleQuote)
                pos += 1
            case .backslash where isDouble:
                pos += 1
                if Byte.isBreak(peek()) {
                    guard try foldLineBreaks(into: &text, escaped: true, minIndent: minIndent) else {
                        throw unterminatedQuote(isDouble: isDouble, startedAt: startMark)
                    }
                } else {
                    try decodeEscape(into: &text, startedAt: startMark)
                }
            case .lf, .cr:
                text.removeSubrange(contentEnd...)
                guard try foldLineBreaks(into: &text, escaped: false, minIndent: minIndent) else {
                    throw unterminatedQuote(isDouble: isDouble, startedAt: startMark)
                }
            case 0:
                throw unterminatedQuote(isDouble: isDouble, startedAt: startMark)
            case .space, .tab:
                text.append(byte)
                pos += 1
                continue  // blanks may be trimmed by a following line break
            default:
                text.append(byte)
                pos += 1
            }
            contentEnd = text.count
        }
    }

    /// Folds the line break at the cursor and the empty lines after it: a single break becomes
    /// a space (nothing after an escaped break), each empty line a line feed. Leaves the cursor
    /// at the first non-blank of the next line with content; returns false if that line is not
    /// indented enough to continue the string, or is a document marker.
    private mutating func foldLineBreaks(
        into text: inout [UInt8], escaped: Bool, minIndent: Int
    ) throws(YAMLError) -> Bool {
        consumeBreak()
        var emptyLines = 0
        while true {
            while peek() == .space { pos += 1 }
            let indent = pos - lineStart
            skipBlanks()
            if peek() == 0 { return true }  // the caller reports the missing quote
            if !Byte.isBreak(peek()) {
                guard indent >= minIndent && !(indent == 0 && isDocumentMarker(at: lineStart)) else { return false }
                break
            }
            emptyLines += 1
            consumeBreak()
        }
        if emptyLines > 0 {
            text.append(contentsOf: repeatElement(.lf, count: emptyLines))
        } else if !escaped {
            text.append(.space)
        }
        return true
    }

    /// Decodes the escape sequence after a backslash (the cursor is on the character after it).
    private mutating func decodeEscape(into text: inout [UInt8], startedAt startMark: YAMLMark) throws(YAMLError) {
        let escape = peek()
        guard escape != 0 else { throw unterminatedQuote(isDouble: true, startedAt: startMark) }
        let backslashMark = mark(at: pos - 1)
        pos += 1
        let scalar: UInt32
        switch escape {
        case UInt8(ascii: "0"): scalar = 0
        case UInt8(ascii: "a"): scalar = 0x07
        case UInt8(ascii: "b"): scalar = 0x08
        case UInt8(ascii: "t"), .tab: scalar = 0x09
        case UInt8(ascii: "n"): scalar = 0x0A
        case UInt8(ascii: "v"): scalar = 0x0B
        case UInt8(ascii: "f"): scalar = 0x0C
        case UInt8(ascii: "r"): scalar = 0x0D
        case UInt8(ascii: "e"): scalar = 0x1B
        case .space, .doubleQuote, UInt8(ascii: "/"), .backslash: scalar = UInt32(escape)
        case UInt8(ascii: "N"): scalar = 0x85
        case UInt8(ascii: "_"): scalar = 0xA0
        case UInt8(ascii: "L"): scalar = 0x2028
        case UInt8(ascii: "P"): scalar = 0x2029
        case UInt8(ascii: "x"): scalar = try readHex(digits: 2, escape: "x")
        case UInt8(ascii: "u"): scalar = try readHex(digits: 4, escape: "u")
        case UInt8(ascii: "U"): scalar = try readHex(digits: 8, escape: "U")
        default:
            let length = escape < 0x80 ? 1 : escape < 0xE0 ? 2 : escape < 0xF0 ? 3 : 4
            throw .syntax(
                "invalid escape sequence '\\\(string(pos - 1..<pos - 1 + length))' in a double-quoted string",
                at: backslashMark, hint: "write '\\\\' for a backslash, or use single quotes")
        }
        guard let unicode = Unicode.Scalar(scalar) else {
            throw .syntax("escape sequence is not a valid Unicode scalar", at: backslashMark)
        }
        text.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func readHex(digits: Int, escape: String) throws(YAMLError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            let byte = peek()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw .syntax("expected \(digits) hexadecimal digits after '\\\(escape)'", at: mark)
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    private mutating func unterminatedQuote(isDouble: Bool, startedAt start: YAMLMark) -> YAMLError {
        let (name, quote) = isDouble ? ("double", "\"") : ("single", "'")
        return .syntax(
            "unterminated \(name)-quoted string (started at line \(start.line))", at: mark,
            hint: "add the closing \(quote); lines that continue a string must be indented more than its parent",
            related: start)
    }
}
