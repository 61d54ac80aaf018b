// Plain (unquoted) scalars: `name: planner_policy@1`, `url: https://x.y/#frag`.

extension Parser {
    /// Throws when the byte at the cursor cannot start a plain scalar. The callers have already
    /// handled what starts other nodes (quotes, brackets, `&`, `!`, `*`, `|`, `>`, `- `).
    mutating func checkPlainStart(inFlow: Bool) throws(YAMLError) {
        let first = peek()
        switch first {
        case .dash, .question, .colon:
            // Allowed when followed by a character that is not a separator: `-1`, `:x`, `?y`.
            let next = peek(1)
            guard Byte.isBlankOrBreakOrEnd(next) || inFlow && Byte.isFlowIndicator(next) else { return }
            if first == .dash && inFlow {
                throw .syntax("block sequence entries are not allowed inside flow collections", at: mark)
            }
            if first == .question { throw .complexKey(at: mark) }
            throw .syntax(
                "'\(Character(Unicode.Scalar(first)))' cannot start a value here", at: mark,
                hint: "quote the value")
        case .comma, .rightBracket, .rightBrace, .hash, .percent, .at, .backtick, .pipe, .greaterThan:
            // `|`, `>` and `#` only get here inside flow collections.
            let character = Character(Unicode.Scalar(first))
            if inFlow && first == .comma {
                throw .syntax("expected a value before ','", at: mark, hint: "remove the extra ','")
            }
            if inFlow && (first == .pipe || first == .greaterThan) {
                throw .syntax(
                    "block scalars are not allowed inside flow collections", at: mark,
                    hint: "use a double-quoted string with \\n escapes")
            }
            throw .syntax("a value cannot start with '\(character)'", at: mark, hint: "quote the value")
        default:
            return
        }
    }

    /// Scans one line of a plain scalar from the cursor and returns where its text ends (without
    /// trailing blanks). Stops at a line break, before `: ` (or `:` at the end of the line), and
    /// before ` #`; in flow context also before `,[]{}` and a `:` followed by one of them.
    mutating func scanPlainLine(inFlow: Bool) -> Int {
        var end = pos
        while true {
            let byte = peek()
            switch byte {
            case 0, .lf, .cr:
                return end
            case .space, .tab:
                pos += 1
                continue
            case .colon:
                let next = peek(1)
                if Byte.isBlankOrBreakOrEnd(next) || inFlow && Byte.isFlowIndicator(next) { return end }
            case .hash:
                if precededByBlank { return end }
            case .comma, .leftBracket, .rightBracket, .leftBrace, .rightBrace:
                if inFlow { return end }
            default:
                break
            }
            pos += 1
            end = pos
        }
    }

    /// Completes a plain scalar whose first line is `firstLine` by folding in the lines that
    /// continue it: lines indented at least `minIndent` spaces that are not comments. A single
    /// line break becomes a space, and each empty line a line feed.
    ///
    /// Leaves the cursor after the last line's text. In block context, a continuation line
    /// holding `: ` is an error: it is nearly always a key indented too far.
    mutating func finishPlainScalar(firstLine: Range<Int>, minIndent: Int, inFlow: Bool) throws(YAMLError) -> String {
        guard Byte.isBreak(peek()) else { return string(firstLine) }
        var folded: [UInt8] = []
        while Byte.isBreak(peek()) {
            let lineEnd = position
            var emptyLines = 0
            var indent = 0
            consumeBreak()
            while true {
                while peek() == .space { pos += 1 }
                indent = pos - lineStart
                skipBlanks()
                guard Byte.isBreak(peek()) else { break }
                emptyLines += 1
                consumeBreak()
            }
            let first = peek()
            let continues =
                first != 0 && first != .hash && indent >= minIndent
                && !(indent == 0 && isDocumentMarker(at: lineStart))
                && !(inFlow && (Byte.isFlowIndicator(first) || first == .colon && atFlowColon(afterJSONLike: false)))
            guard continues else {
                position = lineEnd
                break
            }
            if folded.isEmpty { folded.append(contentsOf: slice(firstLine)) }
            if emptyLines == 0 {
                folded.append(.space)
            } else {
                folded.append(contentsOf: repeatElement(.lf, count: emptyLines))
            }
            let start = pos
            let end = scanPlainLine(inFlow: inFlow)
            folded.append(contentsOf: slice(start..<end))
            if !inFlow && atMappingColon {
                throw .syntax(
                    "mapping values are not allowed here", at: mark,
                    hint: "check the indentation of this line; a value cannot continue onto a line that holds ': '")
            }
        }
        return folded.isEmpty ? string(firstLine) : String(decoding: folded, as: UTF8.self)
    }
}
