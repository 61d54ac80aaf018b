/// The state of one parse: the input, the cursor, and the bookkeeping for anchors and aliases.
///
/// The parser is recursive descent straight over the UTF-8 bytes; there is no separate token
/// stream. Each parsing function starts at the cursor (`pos`) and leaves it just after what it
/// consumed. `line` and `lineStart` always describe the line that holds `pos`, so a mark can be
/// made for any position on the current line; positions on earlier lines are marked when they
/// are passed. The input was validated before parsing (see `validateInput`), so a NUL byte
/// cannot occur and `peek` returns 0 for "end of input".
///
/// The grammar is split over several files by concern: `DocumentParser`, `BlockParser`,
/// `FlowParser`, `PlainScalars`, `QuotedScalars`, `BlockScalars`, `NodeProperties`.
struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: YAMLLimits
    /// True when every byte is ASCII, so that columns are plain byte offsets.
    let isASCII: Bool

    var pos: Int
    /// 1-based number of the line holding `pos`.
    var line = 1
    /// Index of the first byte of that line.
    var lineStart: Int

    /// Nodes made so far, counting an alias as the size of the subtree it copies; the difference
    /// between two moments is the size of the subtree built in between.
    var nodeCount = 0
    /// Nodes copied by aliases so far, bounded by `limits.maxAliasExpansion`.
    var aliasExpansion = 0
    var anchors: [String: AnchoredNode] = [:]
    /// Where the `%YAML` directive is, if there is one.
    var yamlDirectiveMark: YAMLMark?
    /// The named tag handles (`!e!`) that `%TAG` directives declare, and where.
    var tagHandles: [String: YAMLMark] = [:]

    /// The last column computed on a non-ASCII line, so that marking many nodes on one long
    /// line costs linear time rather than quadratic.
    private var columnCache = (lineStart: -1, index: 0, column: 1)

    init(bytes: UnsafeBufferPointer<UInt8>, start: Int, isASCII: Bool, limits: YAMLLimits) {
        self.bytes = bytes
        self.limits = limits
        self.isASCII = isASCII
        self.pos = start
        self.lineStart = start
    }

    // MARK: Reading bytes

    /// The byte `offset` bytes after the cursor, or 0 past the end of input.
    @inline(__always)
    func peek(_ offset: Int = 0) -> UInt8 {
        byte(at: pos &+ offset)
    }

    /// The byte at `index`, or 0 past the end of input.
    @inline(__always)
    func byte(at index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    /// The text of `range` as a String (the bytes are known to be valid UTF-8).
    func string(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }

    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[range])
    }

    /// Where the cursor is, to come back to after looking ahead.
    struct Position {
        var pos: Int
        var line: Int
        var lineStart: Int
    }

    var position: Position {
        get { Position(pos: pos, line: line, lineStart: lineStart) }
        set {
            pos = newValue.pos
            line = newValue.line
            lineStart = newValue.lineStart
        }
    }

    // MARK: Marks

    /// The mark of the cursor.
    var mark: YAMLMark {
        mutating get { mark(at: pos) }
    }

    /// The mark of `index`, which must be on the cursor's line.
    mutating func mark(at index: Int) -> YAMLMark {
        YAMLMark(line: line, column: column(at: index))
    }

    private mutating func column(at index: Int) -> Int {
        if isASCII { return index - lineStart + 1 }
        var (from, column) = (lineStart, 1)
        if columnCache.lineStart == lineStart && columnCache.index <= index {
            (from, column) = (columnCache.index, columnCache.column)
        }
        for i in from..<index where bytes[i] & 0xC0 != 0x80 { column += 1 }
        columnCache = (lineStart, index, column)
        return column
    }

    // MARK: Lines and blanks

    /// Consumes the line break at the cursor (LF, CRLF or a lone CR) and starts a new line.
    mutating func consumeBreak() {
        pos += peek() == .cr && peek(1) == .lf ? 2 : 1
        line += 1
        lineStart = pos
    }

    /// Skips spaces and tabs.
    mutating func skipBlanks() {
        while peek() == .space || peek() == .tab { pos += 1 }
    }

    /// Moves to the end of the line, before its line break.
    mutating func skipToLineEnd() {
        while !Byte.isBreakOrEnd(peek()) { pos += 1 }
    }

    /// True at a line break, the end of input, or a comment.
    var atLineEndOrComment: Bool {
        let byte = peek()
        return Byte.isBreakOrEnd(byte) || byte == .hash && precededByBlank
    }

    /// True when the cursor is at the start of its line or after a blank, where `#` starts a comment.
    var precededByBlank: Bool {
        pos == lineStart || Byte.isBlank(bytes[pos - 1])
    }

    /// True at `- ` (or `-` at the end of a line), a block sequence entry.
    var atSequenceEntry: Bool {
        peek() == .dash && Byte.isBlankOrBreakOrEnd(peek(1))
    }

    /// True at `: ` (or `:` at the end of a line), the separator after a block mapping key.
    var atMappingColon: Bool {
        peek() == .colon && Byte.isBlankOrBreakOrEnd(peek(1))
    }

    /// True when the cursor is at the start of a line that is a `---` or `...` marker.
    var atDocumentMarker: Bool {
        pos == lineStart && isDocumentMarker(at: pos)
    }

    /// True when `index` starts a `---` or `...` marker (followed by a blank, break or the end).
    func isDocumentMarker(at index: Int) -> Bool {
        let first = byte(at: index)
        return (first == .dash || first == .dot) && byte(at: index + 1) == first
            && byte(at: index + 2) == first && Byte.isBlankOrBreakOrEnd(byte(at: index + 3))
    }

    /// Moves to the first content of the next line holding anything besides blanks and comments,
    /// after checking that the current line has nothing left but blanks and a comment. Returns
    /// that line's indentation (in spaces), or nil at the end of input.
    ///
    /// The indentation counts spaces only; a tab after them is left for the caller to judge
    /// (`tabInIndentation`): YAML allows it as separation before some nodes, never as indentation.
    mutating func skipToNextContent() throws(YAMLError) -> Int? {
        if bytes[lineStart..<pos].allSatisfy(Byte.isBlank) {
            pos = lineStart
        } else {
            skipBlanks()
            if peek() == .hash && precededByBlank { skipToLineEnd() }
            guard Byte.isBreakOrEnd(peek()) else { throw .syntax("unexpected text here", at: mark) }
            guard pos < bytes.count else { return nil }
            consumeBreak()
        }
        while true {
            while peek() == .space { pos += 1 }
            let indent = pos - lineStart
            skipBlanks()
            switch peek() {
            case 0:
                return nil
            case .lf, .cr:
                consumeBreak()
            case .hash:
                skipToLineEnd()
            default:
                return indent
            }
        }
    }

    /// The first tab before the cursor on its line, when only blanks precede the cursor there.
    var tabInIndentation: Int? {
        var index = lineStart
        while index < pos {
            switch bytes[index] {
            case .tab: return index
            case .space: index += 1
            default: return nil
            }
        }
        return nil
    }
}

/// Byte values the parser looks for, and their classes.
extension UInt8 {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let bang: UInt8 = 0x21  // !
    static let doubleQuote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let percent: UInt8 = 0x25
    static let ampersand: UInt8 = 0x26
    static let singleQuote: UInt8 = 0x27
    static let star: UInt8 = 0x2A
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let colon: UInt8 = 0x3A
    static let lessThan: UInt8 = 0x3C
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let backtick: UInt8 = 0x60
    static let leftBrace: UInt8 = 0x7B
    static let pipe: UInt8 = 0x7C
    static let rightBrace: UInt8 = 0x7D
}

enum Byte {
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == .space || byte == .tab }
    @inline(__always) static func isBreak(_ byte: UInt8) -> Bool { byte == .lf || byte == .cr }
    /// A line break, or 0 for the end of input.
    @inline(__always) static func isBreakOrEnd(_ byte: UInt8) -> Bool { byte == .lf || byte == .cr || byte == 0 }
    @inline(__always) static func isBlankOrBreakOrEnd(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab || byte == .lf || byte == .cr || byte == 0
    }
    @inline(__always) static func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == .comma || byte == .leftBracket || byte == .rightBracket || byte == .leftBrace
            || byte == .rightBrace
    }
}
