// The tree that `YAML.parse` returns: nodes that carry their source positions.

/// A position in the source file.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A scalar value: its text after unquoting, escapes and folding, and how it was written.
public struct YAMLScalar: Sendable, Hashable {
    public var text: String
    public var style: YAMLScalarStyle
    /// The tag as written (`!!str`, `!custom`), nil if none.
    public var tag: String?

    public init(text: String, style: YAMLScalarStyle = .plain, tag: String? = nil) {
        self.text = text
        self.style = style
        self.tag = tag
    }
}

/// The content of a node.
///
/// Not `indirect`: the collections already keep their elements on the heap, so only scalars
/// would be boxed, which would cost an allocation per scalar for nothing.
public enum YAMLValue: Sendable, Equatable {
    case scalar(YAMLScalar)
    case sequence([YAMLNode])
    /// Entries in the order they were written; keys are unique by their scalar text.
    case mapping([YAMLMappingEntry])
}

/// One node of the tree.
///
/// `mark` is where the node's content starts (after any anchor or tag). An empty value (`key:`)
/// is marked right after its indicator. A node produced by an alias is a copy of the anchored
/// node (its collections share storage with it), marked at the alias and without the anchor.
/// Tags on collections are not kept; tags on scalars are in `YAMLScalar.tag`.
public struct YAMLNode: Sendable, Equatable {
    public var value: YAMLValue
    public var mark: YAMLMark
    /// The anchor name defined on this node (`&name`), without the `&`.
    public var anchor: String?

    public init(value: YAMLValue, mark: YAMLMark, anchor: String? = nil) {
        self.value = value
        self.mark = mark
        self.anchor = anchor
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        if case .scalar(let scalar) = value { return scalar }
        return nil
    }

    /// The elements, if this node is a sequence.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    /// The entries, if this node is a mapping.
    public var mapping: [YAMLMappingEntry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The value stored under the key whose scalar text is `key`, if this node is a mapping
    /// that has one.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.text == key }?.value
    }
}

/// One `key: value` entry of a mapping.
public struct YAMLMappingEntry: Sendable, Equatable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// Bounds on what one file may make the parser do.
public struct YAMLLimits: Sendable {
    /// The deepest nesting of collections allowed. The parser recurses once per level, so this
    /// also bounds its stack use; keep it in the hundreds at most.
    public var maxDepth: Int = 64
    /// How many nodes aliases may copy in total (counting every node of each copied subtree).
    public var maxAliasExpansion: Int = 10_000

    public init(maxDepth: Int = 64, maxAliasExpansion: Int = 10_000) {
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
    }

    public static let `default` = YAMLLimits()
}
