// Block collections, laid out by indentation:
//
//     key: value          a block mapping at indentation 0
//     list:
//       - a               a block sequence at indentation 2
//     - b                 ... or at its key's own indentation (compact)
//
// Indentation is counted in spaces from the start of the line. Each collection knows its own
// indentation and that of its parent (`parentIndent`, -1 for the root), and its entries start
// exactly at its own; a node belongs to a collection when it is indented more than the parent.

/// What precedes a block node on its first line.
enum BlockIndicator {
    /// `- `: the node may be a compact mapping or sequence (`- name: x`, `- - a`).
    case sequenceEntry
    /// `key:`: the node may not be a collection on the same line, but a sequence may start on
    /// the next line at the key's own indentation.
    case mappingValue
    /// `---` of the document start.
    case documentStart
}

/// The first item of a block node's line, read before it is known whether it is a mapping key
/// (which depends on a `:` following it).
private enum LeadingContent {
    /// The first line of a plain scalar, which may continue on the lines below if it is a value.
    case plain(Range<Int>)
    case quoted(String, YAMLScalarStyle, spansLines: Bool)
    case collection(YAMLNode)
    case alias(YAMLNode)
}

extension Parser {
    /// Parses the node after an indicator (`key:`, `- `, `---`), the cursor just past it: on
    /// the same line, or on the lines below if they are indented more than `parentIndent`, or
    /// else an empty scalar marked right after the indicator.
    mutating func parseBlockValue(
        parentIndent: Int, after indicator: BlockIndicator, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        let emptyMark = mark
        let blanksStart = pos
        skipBlanks()
        if !atLineEndOrComment {
            return try parseBlockNode(
                column: pos - lineStart, parentIndent: parentIndent, after: indicator,
                separatingTab: bytes[blanksStart..<pos].firstIndex(of: .tab), depth: depth)
        }
        return try parseNodeBelow(
            parentIndent: parentIndent, allowsCompactSequence: indicator == .mappingValue,
            emptyMark: emptyMark, properties: NodeProperties(), depth: depth)
    }

    /// Parses a node that starts on a later line, or makes an empty scalar at `emptyMark` when
    /// the next line with content is not indented enough to belong to it.
    /// `allowsCompactSequence` lets a sequence start at `parentIndent` itself (under a key).
    private mutating func parseNodeBelow(
        parentIndent: Int, allowsCompactSequence: Bool, emptyMark: YAMLMark,
        properties: NodeProperties, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        if let indent = try skipToNextContent(), !atDocumentMarker,
            indent > parentIndent || indent == parentIndent && allowsCompactSequence && atSequenceEntry
        {
            return try parseBlockNode(
                column: indent, parentIndent: parentIndent, after: nil, outer: properties,
                allowsCompactSequence: allowsCompactSequence, separatingTab: tabInIndentation, depth: depth)
        }
        return makeScalar("", .plain, at: emptyMark, properties)
    }

    /// Parses a block node whose content starts at the cursor, at `column` (in bytes) of its line.
    /// `indicator` is what precedes it on that line, nil at the start of a line; `outer` holds
    /// properties that stood alone on earlier lines. `allowsCompactSequence` is true for a mapping
    /// value below its key, whose sequence may start at the key's indentation after a line of
    /// properties. `separatingTab` is a tab in the blanks before the content: YAML allows it
    /// before a scalar or flow collection, not as the indentation of a block collection.
    mutating func parseBlockNode(
        column: Int, parentIndent: Int, after indicator: BlockIndicator?,
        outer: NodeProperties = NodeProperties(), allowsCompactSequence: Bool = false,
        separatingTab: Int? = nil, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        let startMark = mark
        let properties = try parseProperties(inFlow: false)
        if !properties.isEmpty && atLineEndOrComment {
            return try parseNodeBelow(
                parentIndent: parentIndent, allowsCompactSequence: indicator == .mappingValue || allowsCompactSequence,
                emptyMark: mark, properties: try merge(outer, properties), depth: depth)
        }
        let compactAllowed = indicator == nil || indicator == .sequenceEntry
        if atMappingColon {  // `: value` or `!!str : value`
            guard compactAllowed else {
                throw .syntax("mapping values are not allowed here", at: mark, hint: "quote the value")
            }
            throw .emptyKey(properties, at: startMark)
        }
        if atSequenceEntry {
            guard compactAllowed else {
                throw .syntax(
                    "block sequence entries are not allowed here", at: mark,
                    hint: "start the sequence on the next line")
            }
            if let separatingTab { throw .tabIndentation(at: mark(at: separatingTab)) }
            guard properties.isEmpty else {
                throw .syntax(
                    "a block sequence cannot start on the line of its anchor or tag", at: mark,
                    hint: "move the '- ' entries to the next line")
            }
            return try parseBlockSequence(
                indent: column, parentIndent: parentIndent, properties: outer, depth: depth)
        }
        if peek() == .question && Byte.isBlankOrBreakOrEnd(peek(1)) { throw .complexKey(at: mark) }
        if peek() == .pipe || peek() == .greaterThan {
            let indicatorMark = mark
            let (text, style) = try parseBlockScalar(parentIndent: parentIndent)
            return makeScalar(text, style, at: indicatorMark, try merge(outer, properties))
        }

        let contentMark = properties.isEmpty ? startMark : mark
        let content = try scanLeadingContent(
            parentIndent: parentIndent, outer: outer, properties: properties, depth: depth)
        if atKeyColon(after: content) {
            guard compactAllowed else {
                throw .syntax(
                    "mapping values are not allowed here", at: mark,
                    hint: "quote the value")
            }
            if let separatingTab { throw .tabIndentation(at: mark(at: separatingTab)) }
            let key = try makeKey(content, at: contentMark, properties)
            return try parseBlockMapping(
                indent: column, firstKey: key, mark: startMark, properties: outer, depth: depth)
        }
        let valueProperties = try merge(outer, properties)
        return try makeValue(content, at: contentMark, valueProperties, parentIndent: parentIndent)
    }

    /// Reads the leading content at the cursor. A flow collection is made at once, as a value, with
    /// both the `outer` properties and those on its line; if those clash, it can only be a
    /// complex key, refused when its `:` is seen.
    private mutating func scanLeadingContent(
        parentIndent: Int, outer: NodeProperties, properties: NodeProperties, depth: Int
    ) throws(YAMLError) -> LeadingContent {
        switch peek() {
        case .doubleQuote, .singleQuote:
            let firstLine = line
            let (text, style) = try scanQuotedScalar(minIndent: parentIndent + 1)
            return .quoted(text, style, spansLines: line != firstLine)
        case .leftBracket, .leftBrace:
            let merged = (try? merge(outer, properties)) ?? properties
            return .collection(
                try parseFlowCollection(minIndent: parentIndent + 1, properties: merged, depth: depth))
        case .star:
            guard properties.isEmpty else { throw aliasWithProperties(at: properties.mark) }
            return .alias(try parseAlias())  // `outer` belongs to the mapping if this is a key
        default:
            try checkPlainStart(inFlow: false)
            return .plain(pos..<scanPlainLine(inFlow: false))
        }
    }

    /// True when `content` is followed by the `:` that makes it a mapping key.
    private mutating func atKeyColon(after content: LeadingContent) -> Bool {
        if case .plain = content {} else { skipBlanks() }  // a plain scan stops right at the ':'
        return atMappingColon
    }

    private mutating func makeKey(
        _ content: LeadingContent, at mark: YAMLMark, _ properties: NodeProperties
    ) throws(YAMLError) -> YAMLNode {
        switch content {
        case .plain(let range):
            return makeScalar(string(range), .plain, at: mark, properties)
        case .quoted(let text, let style, let spansLines):
            guard !spansLines else {
                throw .syntax(
                    "a mapping key must be on a single line", at: mark,
                    hint: "use '\\n' escapes in a double-quoted key")
            }
            return makeScalar(text, style, at: mark, properties)
        case .alias(let node) where node.scalar != nil:
            return node
        case .collection, .alias:
            throw .complexKey(at: mark)
        }
    }

    private mutating func makeValue(
        _ content: LeadingContent, at mark: YAMLMark, _ properties: NodeProperties, parentIndent: Int
    ) throws(YAMLError) -> YAMLNode {
        let node: YAMLNode
        let what: String
        var hint: String?
        switch content {
        case .plain(let firstLine):
            let text = try finishPlainScalar(firstLine: firstLine, minIndent: parentIndent + 1, inFlow: false)
            return makeScalar(text, .plain, at: mark, properties)
        case .quoted(let text, let style, _):
            node = makeScalar(text, style, at: mark, properties)
            (what, hint) = ("the quoted string", "quote the whole value")
        case .collection(let collection):
            (node, what) = (collection, "the flow collection")
        case .alias(let alias):
            guard properties.isEmpty else { throw aliasWithProperties(at: properties.mark) }
            (node, what) = (alias, "the alias")
        }
        guard atLineEndOrComment else {
            throw .syntax("unexpected text after \(what)", at: self.mark, hint: hint)
        }
        return node
    }

    /// Parses a block mapping at indentation `indent`, whose first key has been read; the cursor
    /// is on the `:` after it.
    private mutating func parseBlockMapping(
        indent: Int, firstKey: YAMLNode, mark: YAMLMark, properties: NodeProperties, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        guard depth < limits.maxDepth else { throw tooDeep(at: mark) }
        var entries = MappingBuilder()
        var key = firstKey
        while true {
            try entries.check(key)
            pos += 1  // the ':'
            let value = try parseBlockValue(parentIndent: indent, after: .mappingValue, depth: depth + 1)
            entries.append(key: consume key, value: value)
            guard let next = try skipToNextContent(), next >= indent, !atDocumentMarker else { break }
            guard next == indent, tabInIndentation == nil else { throw badIndentation() }
            key = try parseBlockKey(indent: indent, depth: depth + 1)
        }
        return makeNode(.mapping(entries.entries), at: mark, properties)
    }

    /// Parses the key of a further entry of a block mapping, at the cursor; leaves the cursor on
    /// the `:` after it.
    private mutating func parseBlockKey(indent: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        if atSequenceEntry { throw .syntax("expected a mapping key, found a sequence entry", at: mark) }
        if peek() == .question && Byte.isBlankOrBreakOrEnd(peek(1)) { throw .complexKey(at: mark) }
        let properties = try parseProperties(inFlow: false)
        if atMappingColon { throw .emptyKey(properties, at: properties.isEmpty ? mark : properties.mark) }
        let keyMark = mark
        let content = try scanLeadingContent(
            parentIndent: indent, outer: NodeProperties(), properties: properties, depth: depth)
        guard atKeyColon(after: content) else {
            throw .syntax(
                "could not find expected ':' after this key", at: mark,
                hint: "write mapping entries as 'key: value'")
        }
        return try makeKey(content, at: keyMark, properties)
    }

    /// Parses a block sequence at indentation `indent`; the cursor is on its first `-`.
    private mutating func parseBlockSequence(
        indent: Int, parentIndent: Int, properties: NodeProperties, depth: Int
    ) throws(YAMLError) -> YAMLNode {
        let startMark = mark
        guard depth < limits.maxDepth else { throw tooDeep(at: startMark) }
        var items: [YAMLNode] = []
        while true {
            pos += 1  // the '-'
            items.append(try parseBlockValue(parentIndent: indent, after: .sequenceEntry, depth: depth + 1))
            guard let next = try skipToNextContent(), next >= indent, !atDocumentMarker else { break }
            guard next == indent, tabInIndentation == nil else { throw badIndentation() }
            guard atSequenceEntry else {
                if indent == parentIndent { break }  // a compact sequence ends at its mapping's next key
                throw .syntax(
                    "expected a sequence entry ('- ') at this indentation", at: mark,
                    hint: "indent this line more if it belongs to the entry above")
            }
        }
        return makeNode(.sequence(items), at: startMark, properties)
    }

    /// The error for a line indented more than the entries of the collection before it, or
    /// indented with a tab.
    private mutating func badIndentation() -> YAMLError {
        if let tab = tabInIndentation { return .tabIndentation(at: mark(at: tab)) }
        if atSequenceEntry {
            return .syntax(
                "bad indentation of a sequence entry", at: mark,
                hint: "align the '- ' with the other entries of its sequence")
        }
        return .syntax(
            "bad indentation of a mapping entry", at: mark,
            hint: "align the key with the other keys of its mapping")
    }

    private func aliasWithProperties(at mark: YAMLMark) -> YAMLError {
        .syntax(
            "an alias cannot have an anchor or tag", at: mark,
            hint: "remove the anchor or tag: an alias stands for the anchored node as it is")
    }
}
