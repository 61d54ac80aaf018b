// Flow collections: `[1, 2]`, `{a: 1, b: [x, "y"]}`, possibly over several lines.

/// What the flow parser needs to know about the collection it is in.
struct FlowContext {
    /// Where the collection opened, for "unterminated" errors.
    var startMark: YAMLMark
    var isMapping: Bool
    /// Lines after the first must be indented at least this much: more than the block node
    /// holding the collection.
    var minIndent: Int
}

extension Parser {
    /// Parses a flow collection from its opening `[` or `{`.
    mutating func parseFlowCollection(
        minIndent: Int, properties: NodeProperties, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        let startMark = mark
        guard depth < limits.maxDepth else { throw tooDeep(at: startMark) }
        let context = FlowContext(startMark: startMark, isMapping: peek() == .leftBrace, minIndent: minIndent)
        pos += 1
        let value =
            try context.isMapping
            ? parseFlowMapping(context, depth: depth + 1)
            : parseFlowSequence(context, depth: depth + 1)
        return makeNode(value, at: startMark, properties)
    }

    /// The entries after `[`, through the closing `]`. A `key: value` entry is a one-entry mapping.
    private mutating func parseFlowSequence(_ context: FlowContext, depth: Int) throws(YAMLError) -> YAMLValue {
        var items: [YAMLNode] = []
        while true {
            try skipFlowSpace(context)
            if peek() == .rightBracket { break }
            let jsonLike = Self.isJSONLike(peek())
            let keyLine = line
            var item = try parseFlowNode(context, role: .entryOrKey, depth: depth)
            try skipFlowSpace(context)
            if atFlowColon(afterJSONLike: jsonLike) {
                // An implicit key: a scalar, and on one line with its ':' (YAML 7.4.2).
                guard item.scalar != nil else { throw .complexKey(at: item.mark) }
                guard line == keyLine else {
                    throw .syntax(
                        "an implicit key in a flow sequence must be on one line with its ':'", at: mark,
                        hint: "put the key and ':' on one line, or write the pair as a flow mapping: [{key: value}]")
                }
                guard depth < limits.maxDepth else { throw tooDeep(at: item.mark) }
                let value = try parseFlowValueAfterColon(context, depth: depth + 1)
                item = makeNode(.mapping([YAMLMappingEntry(key: item, value: value)]), at: item.mark, NodeProperties())
            }
            items.append(item)
            if peek() == .comma {
                pos += 1
            } else if peek() != .rightBracket {
                throw .syntax("expected ',' or ']' in flow sequence", at: mark)
            }
        }
        pos += 1
        return .sequence(items)
    }

    /// The entries after `{`, through the closing `}`. A key without `:` has an empty value.
    private mutating func parseFlowMapping(_ context: FlowContext, depth: Int) throws(YAMLError) -> YAMLValue {
        var entries = MappingBuilder()
        while true {
            try skipFlowSpace(context)
            if peek() == .rightBrace { break }
            let jsonLike = Self.isJSONLike(peek())
            let key = try parseFlowNode(context, role: .entryOrKey, depth: depth)
            guard key.scalar != nil else { throw .complexKey(at: key.mark) }
            try entries.check(key)
            try skipFlowSpace(context)
            let value: YAMLNode
            if atFlowColon(afterJSONLike: jsonLike) {
                value = try parseFlowValueAfterColon(context, depth: depth)
            } else if peek() == .comma || peek() == .rightBrace {
                value = makeScalar("", .plain, at: mark, NodeProperties())
            } else {
                throw .syntax("expected ':' after the key in flow mapping", at: mark)
            }
            entries.append(key: key, value: value)
            if peek() == .comma {
                pos += 1
            } else if peek() != .rightBrace {
                throw .syntax("expected ',' or '}' in flow mapping", at: mark)
            }
        }
        pos += 1
        return .mapping(entries.entries)
    }

    /// True at a `:` that separates a key from its value in flow context: one followed by a
    /// blank, line break or flow indicator, or, after a quoted key or collection, any `:` (so
    /// that JSON such as `{"a":1}` reads as YAML does).
    func atFlowColon(afterJSONLike: Bool) -> Bool {
        guard peek() == .colon else { return false }
        let next = peek(1)
        return afterJSONLike || Byte.isBlankOrBreakOrEnd(next) || Byte.isFlowIndicator(next)
    }

    private static func isJSONLike(_ first: UInt8) -> Bool {
        first == .doubleQuote || first == .singleQuote || first == .leftBracket || first == .leftBrace
    }

    /// Reads the value after a flow `:` (the cursor is on it); empty before `,`, `]` or `}`.
    /// Leaves the cursor at what follows the value.
    private mutating func parseFlowValueAfterColon(_ context: FlowContext, depth: Int) throws(YAMLError) -> YAMLNode {
        pos += 1
        let emptyMark = mark
        try skipFlowSpace(context)
        let next = peek()
        if next == .comma || next == .rightBracket || next == .rightBrace {
            return makeScalar("", .plain, at: emptyMark, NodeProperties())
        }
        let value = try parseFlowNode(context, role: .value, depth: depth)
        try skipFlowSpace(context)
        return value
    }

    /// Where a flow node stands: where a key may start, or after a key's `:`.
    private enum FlowNodeRole {
        case entryOrKey, value
    }

    /// Parses one node inside a flow collection, with its properties.
    private mutating func parseFlowNode(
        _ context: FlowContext, role: FlowNodeRole, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        let properties = try parseProperties(inFlow: true)
        if !properties.isEmpty { try skipFlowSpace(context) }
        let start = mark
        let first = peek()
        if role == .entryOrKey && atFlowColon(afterJSONLike: false) {
            throw .emptyKey(properties, at: properties.isEmpty ? start : properties.mark)  // `{: v}`, `[!!str : v]`
        }
        if !properties.isEmpty && (first == .comma || first == .rightBracket || first == .rightBrace) {
            return makeScalar("", .plain, at: start, properties)  // `[!!null , x]`
        }
        switch first {
        case .leftBracket, .leftBrace:
            return try parseFlowCollection(minIndent: context.minIndent, properties: properties, depth: depth)
        case .doubleQuote, .singleQuote:
            let (text, style) = try scanQuotedScalar(minIndent: context.minIndent)
            return makeScalar(text, style, at: start, properties)
        case .star:
            guard properties.isEmpty else {
                throw .syntax("an alias cannot have an anchor or tag", at: properties.mark)
            }
            return try parseAlias()
        default:
            try checkPlainStart(inFlow: true)
            let firstLine = pos..<scanPlainLine(inFlow: true)
            let text = try finishPlainScalar(firstLine: firstLine, minIndent: context.minIndent, inFlow: true)
            return makeScalar(text, .plain, at: start, properties)
        }
    }

    /// Skips blanks, line breaks and comments inside a flow collection. Each new line with
    /// content must be indented at least `context.minIndent` spaces (unless it starts with a
    /// closing bracket) and not be a document marker; the end of input is an error, as the
    /// collection is not closed.
    private mutating func skipFlowSpace(_ context: FlowContext) throws(YAMLError) {
        while true {
            switch peek() {
            case .space, .tab:
                pos += 1
            case .hash where precededByBlank:
                skipToLineEnd()
            case .lf, .cr:
                consumeBreak()
                while peek() == .space { pos += 1 }
                let indent = pos - lineStart
                let firstBlank = pos
                skipBlanks()
                if Byte.isBreakOrEnd(peek()) || peek() == .hash { continue }
                if indent < context.minIndent && firstBlank < pos {
                    throw .syntax(
                        "tab character used for indentation", at: mark(at: firstBlank),
                        hint: "indent with spaces; YAML does not allow tabs for indentation")
                }
                // A closing bracket may sit at the parent's indentation, as in JSON-style layouts.
                let closes = peek() == .rightBracket || peek() == .rightBrace
                if indent < context.minIndent && !closes || indent == 0 && isDocumentMarker(at: lineStart) {
                    throw unterminatedFlow(context)
                }
            case 0:
                throw unterminatedFlow(context)
            default:
                return
            }
        }
    }

    private mutating func unterminatedFlow(_ context: FlowContext) -> YAMLError {
        let (name, bracket) = context.isMapping ? ("mapping", "}") : ("sequence", "]")
        return .syntax(
            "unterminated flow \(name) (started at line \(context.startMark.line))", at: mark,
            hint: "add the closing '\(bracket)'; lines that continue it must be indented more than its parent",
            related: context.startMark)
    }

    /// The error for a collection nested deeper than `limits.maxDepth`.
    func tooDeep(at mark: YAMLMark) -> YAMLError {
        YAMLError(
            kind: .tooDeep, message: "collections are nested more than \(limits.maxDepth) levels deep",
            mark: mark, hint: "flatten the structure")
    }
}
