import ExpctlModel
import ExpctlYAML

/// The state of decoding one file: where we are and what went wrong so far.
///
/// Decoding never stops at the first problem: every reader records a diagnostic and returns
/// nil, so that one run reports everything the file gets wrong.
final class DecodeContext {
    let path: String
    var diagnostics: [Diagnostic] = []
    var references: [Reference] = []
    var declarations = Declarations()

    init(path: String) { self.path = path }

    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(path: path, line: mark.line, column: mark.column)
    }

    func error(at mark: YAMLMark, _ scope: Scope, field: String? = nil, _ message: String, hint: String? = nil) {
        diagnostics.append(
            Diagnostic(
                .error, at: location(mark), resource: scope.resource, field: scope.fieldPath(field),
                message: message, hint: hint))
    }

    func reference(_ target: Reference.Target, at mark: YAMLMark, _ scope: Scope, field: String) {
        references.append(
            Reference(
                target: target, location: location(mark), resource: scope.resource ?? "",
                field: scope.fieldPath(field) ?? field))
    }
}

/// The resource being decoded and the field path inside it, for diagnostics.
struct Scope {
    /// e.g. `experiment planner_policy_exp`.
    var resource: String?
    /// e.g. `variants[1]`; empty at the resource's top.
    var prefix: String = ""

    func fieldPath(_ field: String?) -> String? {
        guard let field else { return prefix.isEmpty ? nil : prefix }
        return prefix.isEmpty ? field : "\(prefix).\(field)"
    }

    func nested(_ field: String) -> Scope {
        Scope(resource: resource, prefix: fieldPath(field) ?? field)
    }
}

extension Scope {
    /// The label of a list item for diagnostics, before it is validated: `kind name`, or
    /// `kind #index` when the name is missing.
    static func resourceLabel(_ kind: String, _ node: YAMLNode, index: Int) -> String {
        if case .mapping(let entries) = node.value,
            let entry = entries.first(where: { $0.key.scalarText == "name" }),
            case .scalar(let scalar) = entry.value.value, !scalar.text.isEmpty
        {
            return "\(kind) \(scalar.text)"
        }
        return "\(kind) #\(index + 1)"
    }
}

extension YAMLValue {
    /// What the user wrote, in words, for "expected X, found Y" messages.
    var kindDescription: String {
        switch self {
        case .scalar(let scalar):
            if scalar.style != .plain { return "a string" }
            if scalar.isNull { return "nothing (null)" }
            if scalar.bool != nil { return "a boolean" }
            if scalar.integer != nil { return "an integer" }
            if scalar.double != nil { return "a number" }
            return "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
