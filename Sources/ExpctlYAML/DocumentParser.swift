// The file as a whole: directives, `---`, one root node, and an optional `...`.

extension Parser {
    /// Parses the file's single document; nil when it holds none (only blanks and comments).
    mutating func parseDocument() throws(YAMLError) -> YAMLNode? {
        var indent = try skipToNextContent()
        var sawDirective = false
        while indent == 0 && peek() == .percent {
            sawDirective = true
            try parseDirective()
            indent = try skipToNextContent()
        }

        let root: YAMLNode?
        if indent != nil && atDocumentMarker && peek() == .dash {
            pos += 3
            root = try parseBlockValue(parentIndent: -1, after: .documentStart, depth: 0)
        } else if sawDirective {
            throw .syntax("expected '---' after the directives", at: mark, hint: "add a '---' line after them")
        } else if let indent, !atDocumentMarker {
            root = try parseBlockNode(
                column: indent, parentIndent: -1, after: nil, separatingTab: tabInIndentation, depth: 0)
        } else {
            root = nil  // empty, or only `...`
        }
        try finishDocument()
        return root
    }

    /// Checks that nothing but comments and an optional `...` follows the root node.
    private mutating func finishDocument() throws(YAMLError) {
        guard try skipToNextContent() != nil else { return }
        if atDocumentMarker && peek() == .dot {
            pos += 3
            guard try skipToNextContent() != nil else { return }
            throw multipleDocuments()
        }
        if atDocumentMarker { throw multipleDocuments() }
        throw .syntax(
            "unexpected content after the document's root node", at: mark,
            hint: "check the indentation of this line")
    }

    private mutating func multipleDocuments() -> YAMLError {
        .unsupported(
            "multiple YAML documents in one file are not supported", at: mark,
            hint: "split them into separate files")
    }
}
