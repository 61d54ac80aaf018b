// Anchors, tags and aliases, and the one place where nodes are made.

/// The anchor and tag written before a node's content (`&name !tag`); either may be absent.
/// They are kept as byte ranges, so that nodes without them cost nothing to pass around.
struct NodeProperties {
    /// The anchor's name, without the `&`.
    var anchor: Range<Int>?
    /// The tag as written, with its `!`s.
    var tag: Range<Int>?
    /// `Parser.nodeCount` when the properties were read, to measure the anchored subtree from.
    var nodeCountAtStart = 0
    /// Where the first property starts.
    var mark = YAMLMark(line: 0, column: 0)

    var isEmpty: Bool { anchor == nil && tag == nil }
}

/// An anchored node and the number of nodes an alias to it copies.
struct AnchoredNode {
    var node: YAMLNode
    var size: Int
}

extension Parser {
    /// Reads `&anchor` and `!tag` (at most one of each, in any order) and the blanks after them.
    mutating func parseProperties(inFlow: Bool) throws(YAMLError) -> NodeProperties {
        var properties = NodeProperties()
        while peek() == .ampersand || peek() == .bang {
            let start = mark
            if properties.isEmpty {
                properties.nodeCountAtStart = nodeCount
                properties.mark = start
            }
            if peek() == .ampersand {
                guard properties.anchor == nil else { throw .syntax("a node can have only one anchor", at: start) }
                pos += 1
                properties.anchor = try scanAnchorName(indicator: "&")
            } else {
                guard properties.tag == nil else { throw .syntax("a node can have only one tag", at: start) }
                properties.tag = try scanTag()
            }
            let next = peek()
            guard Byte.isBlankOrBreakOrEnd(next) || inFlow && Byte.isFlowIndicator(next) else {
                throw .syntax("expected a space after the anchor or tag", at: mark)
            }
            skipBlanks()
        }
        return properties
    }

    /// Combines properties that stood alone on an earlier line with those before the content.
    func merge(_ outer: NodeProperties, _ inner: NodeProperties) throws(YAMLError) -> NodeProperties {
        if outer.isEmpty { return inner }
        if inner.isEmpty { return outer }
        guard outer.anchor == nil || inner.anchor == nil else {
            throw .syntax("a node can have only one anchor", at: inner.mark)
        }
        guard outer.tag == nil || inner.tag == nil else {
            throw .syntax("a node can have only one tag", at: inner.mark)
        }
        var merged = outer
        merged.anchor = outer.anchor ?? inner.anchor
        merged.tag = outer.tag ?? inner.tag
        return merged
    }

    /// An anchor or alias name: everything up to a blank, line break or flow indicator.
    private mutating func scanAnchorName(indicator: String) throws(YAMLError) -> Range<Int> {
        let start = pos
        while !Byte.isBlankOrBreakOrEnd(peek()) && !Byte.isFlowIndicator(peek()) { pos += 1 }
        guard pos > start else { throw .syntax("expected a name after '\(indicator)'", at: mark) }
        return start..<pos
    }

    /// A tag as written: `!`, `!local`, `!!str`, `!prefix!name` or `!<verbatim>`. A named handle
    /// (`!prefix!`) must have been declared by a `%TAG` directive.
    private mutating func scanTag() throws(YAMLError) -> Range<Int> {
        let start = pos
        pos += 1
        var nameEnd = pos
        while Byte.isWordCharacter(byte(at: nameEnd)) { nameEnd += 1 }
        if nameEnd > pos && byte(at: nameEnd) == .bang {
            let handle = string(start..<nameEnd + 1)
            guard tagHandles[handle] != nil else {
                throw .syntax(
                    "undefined tag handle '\(handle)'", at: mark(at: start),
                    hint: "declare it with a '%TAG \(handle) prefix' line before '---', "
                        + "or write a local tag such as '!name'")
            }
        }
        if peek() == .lessThan {
            while peek() != .greaterThan {
                guard !Byte.isBreakOrEnd(peek()) else {
                    throw .syntax("unterminated verbatim tag", at: mark, hint: "close it with '>'")
                }
                pos += 1
            }
            pos += 1
        } else {
            while !Byte.isBlankOrBreakOrEnd(peek()) && !Byte.isFlowIndicator(peek()) { pos += 1 }
        }
        return start..<pos
    }

    /// Reads `*name` and returns a copy of the anchored node, marked at the alias.
    ///
    /// The copy shares storage with the original, so it is cheap; what is bounded is how many
    /// nodes the copies stand for, which is what a consumer walking the tree pays for.
    mutating func parseAlias() throws(YAMLError) -> YAMLNode {
        let start = mark
        pos += 1
        let name = string(try scanAnchorName(indicator: "*"))
        guard let target = anchors[name] else {
            throw .syntax(
                "undefined alias '*\(name)'", at: start,
                hint: "define the anchor '&\(name)' on a node before this alias")
        }
        let (expansion, overflow) = aliasExpansion.addingReportingOverflow(target.size)
        guard !overflow && expansion <= limits.maxAliasExpansion else {
            throw YAMLError(
                kind: .aliasExpansion,
                message: "aliases expand to more than \(limits.maxAliasExpansion) nodes", mark: start,
                hint: "remove nested aliases (aliases of nodes that contain aliases), or write the content out")
        }
        aliasExpansion = expansion
        nodeCount &+= target.size  // wraps only with an absurd limit; sizes then stay harmless
        var node = target.node
        node.mark = start
        node.anchor = nil
        return node
    }

    /// Makes a node from a finished value, counting it and registering its anchor.
    mutating func makeNode(_ value: consuming YAMLValue, at mark: YAMLMark, _ properties: NodeProperties) -> YAMLNode {
        nodeCount += 1
        guard let anchorRange = properties.anchor else { return YAMLNode(value: value, mark: mark) }
        let anchor = string(anchorRange)
        let node = YAMLNode(value: value, mark: mark, anchor: anchor)
        anchors[anchor] = AnchoredNode(node: node, size: nodeCount &- properties.nodeCountAtStart)
        return node
    }

    mutating func makeScalar(
        _ text: consuming String, _ style: YAMLScalarStyle, at mark: YAMLMark, _ properties: NodeProperties
    ) -> YAMLNode {
        let scalar = YAMLScalar(text: text, style: style, tag: properties.tag.map(string))
        return makeNode(.scalar(scalar), at: mark, properties)
    }
}

/// The entries of one mapping as they are read; refuses a key whose text was used before.
struct MappingBuilder {
    private(set) var entries: [YAMLMappingEntry] = []
    /// Key text to entry index, built once the mapping is too large for a linear search.
    private var index: [String: Int] = [:]
    private static let linearSearchLimit = 12

    /// Throws `.duplicateKey` when `key` has the text of an earlier key of this mapping.
    func check(_ key: YAMLNode) throws(YAMLError) {
        guard case .scalar(let scalar) = key.value else { return }
        let text = scalar.text
        var firstIndex: Int?
        if index.isEmpty {
            for i in entries.indices {
                if case .scalar(let existing) = entries[i].key.value, existing.text == text {
                    firstIndex = i
                    break
                }
            }
        } else {
            firstIndex = index[text]
        }
        guard let firstIndex else { return }
        let first = entries[firstIndex].key
        throw YAMLError(
            kind: .duplicateKey,
            message: "key '\(text)' is repeated in this mapping (first at line \(first.mark.line))",
            mark: key.mark, hint: "remove one of them", relatedMark: first.mark)
    }

    mutating func append(key: consuming YAMLNode, value: consuming YAMLNode) {
        entries.append(YAMLMappingEntry(key: key, value: value))
        guard entries.count > Self.linearSearchLimit else { return }
        let indexFrom = index.isEmpty ? 0 : entries.count - 1
        for i in indexFrom..<entries.count {
            if case .scalar(let scalar) = entries[i].key.value { index[scalar.text] = i }
        }
    }
}
