// Literal (`|`) and folded (`>`) block scalars.

/// What happens to the line breaks at the end of a block scalar.
private enum Chomping {
    /// `-`: none are kept.
    case strip
    /// The default: the last content line's break is kept.
    case clip
    /// `+`: all are kept, including those of trailing empty lines.
    case keep
}

extension Parser {
    /// Reads a block scalar from its `|` or `>` indicator through its last content line.
    ///
    /// Content lines must be indented more than `parentIndent`. Their indentation is given by
    /// the header's indentation indicator (relative to the parent, as libyaml counts it) or else
    /// by the first line that holds more than spaces (a tab after the spaces is content). Leaves
    /// the cursor at the start of the first line after the scalar.
    mutating func parseBlockScalar(parentIndent: Int) throws(YAMLError) -> (text: String, style: YAMLScalarStyle) {
        let isLiteral = peek() == .pipe
        pos += 1
        var (chomping, indent) = try parseBlockScalarHeader(parentIndent: parentIndent)

        var text: [UInt8] = []
        var pendingBreaks = 0  // empty lines not written yet
        var afterLine = false  // a content line and its line break have been read
        var previousMoreIndented = false
        var maxEmptyIndent = 0  // of the leading empty lines, which may not exceed the content's
        while pos < bytes.count {
            let lineBegin = pos
            var contentStart = pos
            while byte(at: contentStart) == .space { contentStart += 1 }
            let spaces = contentStart - lineStart
            let first = byte(at: contentStart)
            if Byte.isBreakOrEnd(first) && spaces <= indent ?? Int.max {  // an empty line
                if indent == nil { maxEmptyIndent = max(maxEmptyIndent, spaces) }
                // At the end of input, a line of spaces still counts (see `afterLine` below).
                pendingBreaks += 1
                pos = contentStart
                if first != 0 { consumeBreak() }
                continue
            }
            if indent == nil && spaces > parentIndent {
                guard maxEmptyIndent <= spaces else {
                    throw .syntax(
                        "a leading empty line of this block scalar has more spaces than its first line",
                        at: mark(at: contentStart),
                        hint: "remove the spaces from the empty lines, or add an indentation indicator such as '|2'")
                }
                indent = spaces
            }
            guard let indent, spaces >= indent, !(spaces == 0 && isDocumentMarker(at: lineBegin)) else {
                // The scalar ends before this line. A tab before the content indentation does not
                // make an empty line (YAML allows only spaces there); below a block scalar such a
                // line is only allowed among the comments that end the document.
                if first == .tab && !onlyCommentsFollow(from: lineBegin) {
                    throw .syntax(
                        "tab character used for indentation", at: mark(at: contentStart),
                        hint: "indent block scalar lines with spaces; a tab is content only after the indentation")
                }
                break
            }

            // A content line. Folding turns the break between two lines into a space, except
            // next to "more indented" lines (starting with a blank), which keep their breaks.
            pos = lineStart + indent
            let moreIndented = Byte.isBlank(peek())
            if afterLine {
                if !isLiteral && !previousMoreIndented && !moreIndented {
                    if pendingBreaks == 0 { text.append(.space) }
                } else {
                    text.append(.lf)
                }
            }
            text.append(contentsOf: repeatElement(.lf, count: pendingBreaks))
            pendingBreaks = 0
            previousMoreIndented = moreIndented
            let start = pos
            skipToLineEnd()
            text.append(contentsOf: slice(start..<pos))
            // A last line of only spaces counts as if it ended with a line break, as the YAML
            // test suite reads it (JEF9, L24T); a last line with other text does not.
            afterLine = pos < bytes.count || first == 0
            if pos < bytes.count { consumeBreak() }
        }

        switch chomping {
        case .strip:
            break
        case .clip:
            if afterLine { text.append(.lf) }
        case .keep:
            if afterLine { text.append(.lf) }
            text.append(contentsOf: repeatElement(.lf, count: pendingBreaks))
        }
        return (String(decoding: text, as: UTF8.self), isLiteral ? .literal : .folded)
    }

    /// True when the lines from `index` to the end of the document hold only blanks and comments.
    private func onlyCommentsFollow(from index: Int) -> Bool {
        var i = index
        var atLineStart = true
        while true {
            let byte = byte(at: i)
            switch byte {
            case 0:
                return true
            case .space, .tab:
                i += 1
            case .lf, .cr:
                i += 1
                atLineStart = true
                continue
            case .hash:
                while !Byte.isBreakOrEnd(self.byte(at: i)) { i += 1 }
            default:
                return atLineStart && isDocumentMarker(at: i)
            }
            atLineStart = false
        }
    }

    /// Reads the rest of the header line (`|-`, `>+2`, `|  # comment`) and its line break.
    /// Returns the chomping and the content indentation, nil when it is to be detected.
    private mutating func parseBlockScalarHeader(parentIndent: Int) throws(YAMLError) -> (Chomping, Int?) {
        var chomping: Chomping?
        var indent: Int?
        for _ in 0..<2 {
            let byte = peek()
            if (byte == .plus || byte == .dash) && chomping == nil {
                chomping = byte == .plus ? .keep : .strip
            } else if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") && indent == nil {
                indent = max(parentIndent, 0) + Int(byte - UInt8(ascii: "0"))
            } else if byte == UInt8(ascii: "0") {
                throw .syntax("a block scalar's indentation indicator must be between 1 and 9", at: mark)
            } else {
                break
            }
            pos += 1
        }
        skipBlanks()
        if peek() == .hash && precededByBlank { skipToLineEnd() }
        guard Byte.isBreakOrEnd(peek()) else {
            throw .syntax(
                "unexpected text after the block scalar indicator", at: mark,
                hint: "start the text on the next line, indented")
        }
        if pos < bytes.count { consumeBreak() }
        return (chomping ?? .clip, indent)
    }
}
