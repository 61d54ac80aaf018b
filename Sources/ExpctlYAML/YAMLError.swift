/// Why a file could not be read, and where.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The text is not valid YAML.
        case syntax
        /// A mapping uses the same key twice.
        case duplicateKey
        /// Collections are nested deeper than `YAMLLimits.maxDepth`.
        case tooDeep
        /// Aliases copy more nodes than `YAMLLimits.maxAliasExpansion`.
        case aliasExpansion
        /// The bytes are not well-formed UTF-8.
        case invalidUTF8
        /// Valid YAML that this reader deliberately does not accept (several documents, complex or
        /// empty keys, YAML versions other than 1.2, unknown directives); the message names the
        /// construct and the hint says how to write it instead. `syntax` is only for invalid YAML.
        case unsupported
    }

    public var kind: Kind
    public var message: String
    /// Where the problem is.
    public var mark: YAMLMark
    /// A fix the user can apply, where one exists.
    public var hint: String?
    /// A second position that explains the error, e.g. the first occurrence of a duplicate key
    /// or the opening quote of an unterminated string.
    public var relatedMark: YAMLMark?

    public init(
        kind: Kind, message: String, mark: YAMLMark, hint: String? = nil, relatedMark: YAMLMark? = nil
    ) {
        self.kind = kind
        self.message = message
        self.mark = mark
        self.hint = hint
        self.relatedMark = relatedMark
    }

    /// `line 3, column 5: message (hint: ...)`
    public var description: String {
        var text = "line \(mark.line), column \(mark.column): \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}

extension YAMLError {
    static func syntax(
        _ message: String, at mark: YAMLMark, hint: String? = nil, related: YAMLMark? = nil
    ) -> YAMLError {
        YAMLError(kind: .syntax, message: message, mark: mark, hint: hint, relatedMark: related)
    }

    static func unsupported(_ message: String, at mark: YAMLMark, hint: String? = nil) -> YAMLError {
        YAMLError(kind: .unsupported, message: message, mark: mark, hint: hint)
    }

    static func complexKey(at mark: YAMLMark) -> YAMLError {
        .unsupported(
            "complex mapping keys are not supported", at: mark,
            hint: "use a plain or quoted scalar as the key")
    }

    /// A mapping key with no content: nothing at all before its `:`, or only an anchor or a tag.
    static func emptyKey(_ properties: NodeProperties, at mark: YAMLMark) -> YAMLError {
        let (what, example): (String, String)
        switch (properties.anchor != nil, properties.tag != nil) {
        case (false, false):
            return .unsupported(
                "empty mapping keys are not supported", at: mark,
                hint: "write the key before the ':'; for an empty string as the key, write \"\"")
        case (true, false): (what, example) = ("an anchor", "&name key: value")
        case (false, true): (what, example) = ("a tag", "!!str key: value")
        case (true, true): (what, example) = ("an anchor and a tag", "&name !!str key: value")
        }
        return .unsupported(
            "a mapping key that is only \(what) is not supported", at: mark,
            hint: "write the key's text after it, e.g. '\(example)'; for an empty string as the key, write \"\"")
    }

    /// A tab where YAML requires indentation, which is spaces only.
    static func tabIndentation(at mark: YAMLMark, hint: String? = nil) -> YAMLError {
        .syntax(
            "tab character used for indentation", at: mark,
            hint: hint ?? "indent with spaces; YAML does not allow tabs for indentation")
    }
}
