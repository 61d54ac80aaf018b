import ExpctlYAML
import Testing

/// Parses `text`, recording an issue if it throws.
func parse(
    _ text: String, limits: YAMLLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> YAMLNode? {
    do {
        return try YAML.parse(text, limits: limits)
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Parses `text` and renders the tree with `render`; "nil" when there is no document.
func rendered(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    parse(text, sourceLocation: sourceLocation).map(render) ?? "nil"
}

/// Parses `text` expecting an error; returns it, or records an issue.
func parseError(
    _ text: String, limits: YAMLLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> YAMLError? {
    do {
        let node = try YAML.parse(text, limits: limits)
        Issue.record("expected an error, got \(node.map(render) ?? "nil")", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Parses `bytes`, which must give a tree or an error whose mark is inside the file.
func expectParsesOrPointsInside(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try YAML.parse(bytes)
    } catch {
        var lines = 1
        for (i, byte) in bytes.enumerated()
        where byte == 0x0A || byte == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) {
            lines += 1
        }
        let markIsInFile =
            (1...lines).contains(error.mark.line) && error.mark.column >= 1
            && error.mark.column <= bytes.count + 1
        #expect(markIsInFile, "\(error) for \(bytes)", sourceLocation: sourceLocation)
    }
}

/// Expects parsing `text` to fail with exactly this kind, message and mark (1-based).
/// Returns the error for further checks.
@discardableResult
func expectError(
    _ text: String, _ kind: YAMLError.Kind, _ message: String, line: Int, column: Int,
    hint: String? = nil, limits: YAMLLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
) -> YAMLError? {
    guard let error = parseError(text, limits: limits, sourceLocation: sourceLocation) else { return nil }
    #expect(error.kind == kind, sourceLocation: sourceLocation)
    #expect(error.message == message, sourceLocation: sourceLocation)
    #expect(error.mark == YAMLMark(line: line, column: column), sourceLocation: sourceLocation)
    if let hint { #expect(error.hint == hint, sourceLocation: sourceLocation) }
    return error
}

/// A compact one-line rendering of a tree, for exact comparisons:
/// plain scalars as they are (`<empty>` for an empty one), `'single'`, `"double"` with Swift
/// escapes, `|"literal"` and `>"folded"`, then `[a, b]` and `{k: v}`; anchors as `&name ` and
/// scalar tags as `!tag ` before the node.
func render(_ node: YAMLNode) -> String {
    var prefix = node.anchor.map { "&\($0) " } ?? ""
    switch node.value {
    case .scalar(let scalar):
        if let tag = scalar.tag { prefix += tag + " " }
        switch scalar.style {
        case .plain: return prefix + (scalar.text.isEmpty ? "<empty>" : scalar.text)
        case .singleQuoted: return prefix + "'\(scalar.text)'"
        case .doubleQuoted: return prefix + scalar.text.debugDescription
        case .literal: return prefix + "|" + scalar.text.debugDescription
        case .folded: return prefix + ">" + scalar.text.debugDescription
        }
    case .sequence(let items):
        return prefix + "[" + items.map(render).joined(separator: ", ") + "]"
    case .mapping(let entries):
        return prefix + "{" + entries.map { render($0.key) + ": " + render($0.value) }.joined(separator: ", ") + "}"
    }
}

/// Shorthand for a mark.
func at(_ line: Int, _ column: Int) -> YAMLMark { YAMLMark(line: line, column: column) }
