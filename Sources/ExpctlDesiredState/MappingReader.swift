import ExpctlModel
import ExpctlYAML

/// Typed, diagnosing access to the fields of one YAML mapping.
///
/// It flags unknown keys (with a "did you mean" hint) on creation; each accessor returns nil
/// and records a diagnostic when a field is missing or of the wrong type.
struct MappingReader {
    let node: YAMLNode
    let entries: [YAMLMappingEntry]
    let context: DecodeContext
    let scope: Scope
    /// Known keys that an unknown key was suggested for: their absence is already reported.
    private var misspelt: Set<String> = []

    /// Returns nil (with a diagnostic) when `node` is not a mapping.
    /// `allowed` nil accepts any key (for maps of user-chosen names).
    init?(_ node: YAMLNode, allowed: [String]?, context: DecodeContext, scope: Scope, what: String) {
        guard case .mapping(let entries) = node.value else {
            context.error(
                at: node.mark, scope, "expected \(what) as a mapping, found \(node.value.kindDescription)")
            return nil
        }
        self.node = node
        self.entries = entries
        self.context = context
        self.scope = scope
        for entry in entries {
            let key = entry.key.scalarText
            if let allowed, !allowed.contains(key) {
                let suggestion = Suggestions.closest(to: key, among: allowed)
                context.error(
                    at: entry.key.mark, scope, field: key, "unknown field '\(key)' in \(what)",
                    hint: suggestion.map { "did you mean `\($0)`?" }
                        ?? "its fields are \(allowed.map { "`\($0)`" }.joined(separator: ", "))")
                if let suggestion { misspelt.insert(suggestion) }
            }
        }
    }

    /// The value node of `key`, or nil when absent.
    subscript(key: String) -> YAMLNode? {
        for entry in entries where entry.key.scalarText == key { return entry.value }
        return nil
    }

    /// The node of `key`; nil with a "missing field" diagnostic when absent or null.
    func required(_ key: String) -> YAMLNode? {
        guard let value = self[key], !value.isNull else {
            if !misspelt.contains(key) || self[key] != nil {
                context.error(at: self[key]?.mark ?? node.mark, scope, field: key, "missing required field '\(key)'")
            }
            return nil
        }
        return value
    }

    /// Present and not null.
    func optional(_ key: String) -> YAMLNode? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String, required isRequired: Bool = true) -> String? {
        guard let value = isRequired ? required(key) : optional(key) else { return nil }
        guard case .scalar(let scalar) = value.value else {
            context.error(at: value.mark, scope, field: key, "expected a string, found \(value.value.kindDescription)")
            return nil
        }
        return scalar.text
    }

    /// A string that must be a resource name (`^[a-z0-9][a-z0-9_.-]{0,62}$`).
    func name(_ key: String, required isRequired: Bool = true) -> String? {
        guard let text = string(key, required: isRequired), let value = self[key] else { return nil }
        guard ResourceName.isValid(text) else {
            let suggestion = ResourceName.suggestion(for: text).map { "; for example `\($0)`" } ?? ""
            context.error(
                at: value.mark, scope, field: key, "invalid name '\(text)'",
                hint: "names match \(ResourceName.pattern): lower-case letters, digits, '_', '.', '-'\(suggestion)")
            return nil
        }
        return text
    }

    func integer(_ key: String, required isRequired: Bool = true) -> Int? {
        guard let value = isRequired ? required(key) : optional(key) else { return nil }
        if case .scalar(let scalar) = value.value, scalar.style == .plain, let number = scalar.integer {
            return number
        }
        var message = "expected an integer, found \(value.value.kindDescription)"
        var hint: String?
        if case .scalar(let scalar) = value.value {
            if scalar.style != .plain, Int(scalar.text) != nil {
                hint = "remove the quotes"
            } else if let number = scalar.double, number.isFinite {
                if let whole = Int(exactly: number.rounded()) {
                    hint = "use a whole number such as \(whole)"
                } else {
                    message = "\(scalar.text) is too large for an integer"
                }
            }
        }
        context.error(at: value.mark, scope, field: key, message, hint: hint)
        return nil
    }

    /// An integer or a decimal, stored as a Double.
    func number(_ key: String, required isRequired: Bool = true) -> Double? {
        guard let value = isRequired ? required(key) : optional(key) else { return nil }
        return number(of: value, field: key)
    }

    /// A finite number written as a plain scalar; `field` names it in diagnostics.
    func number(of value: YAMLNode, field: String) -> Double? {
        guard case .scalar(let scalar) = value.value else {
            context.error(at: value.mark, scope, field: field, "expected a number, found \(value.value.kindDescription)")
            return nil
        }
        if scalar.style == .plain, let number = scalar.double {
            if number.isFinite { return number }
            context.error(
                at: value.mark, scope, field: field, "expected a finite number, found \(scalar.text)",
                hint: "infinity, NaN and numbers beyond ±1.8e308 cannot be used here")
            return nil
        }
        context.error(
            at: value.mark, scope, field: field, "expected a number, found \(value.value.kindDescription)",
            hint: scalar.style != .plain && Double(scalar.text) != nil ? "remove the quotes" : nil)
        return nil
    }

    func enumeration<Value: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Value.Type, required isRequired: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let text = string(key, required: isRequired), let value = self[key] else { return nil }
        if let result = Value(rawValue: text) { return result }
        let allowed = Value.allCases.map(\.rawValue)
        context.error(
            at: value.mark, scope, field: key, "invalid \(key) '\(text)'",
            hint: Suggestions.closest(to: text, among: allowed).map { "did you mean `\($0)`?" }
                ?? "expected one of \(allowed.joined(separator: ", "))")
        return nil
    }

    func timestamp(_ key: String) -> Timestamp? {
        guard let text = string(key, required: false), let value = self[key] else { return nil }
        guard let result = Timestamp(rfc3339: text) else {
            context.error(
                at: value.mark, scope, field: key, "invalid timestamp '\(text)'",
                hint: "use RFC 3339 with a UTC offset, e.g. 2025-01-06T00:00:00Z")
            return nil
        }
        return result
    }

    /// The items of a list field; nil with a diagnostic when the value is not a list.
    func sequence(_ key: String, required isRequired: Bool = false) -> [YAMLNode]? {
        guard let value = isRequired ? required(key) : optional(key) else { return nil }
        guard case .sequence(let items) = value.value else {
            context.error(at: value.mark, scope, field: key, "expected a list, found \(value.value.kindDescription)")
            return nil
        }
        return items
    }

    /// A free-form JSON object (e.g. `params`, `config_defaults`).
    func jsonObject(_ key: String) -> [String: JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .mapping = value.value else {
            context.error(at: value.mark, scope, field: key, "expected a mapping, found \(value.value.kindDescription)")
            return nil
        }
        guard case .object(let object) = JSONConversion.value(of: value, context: context, scope: scope.nested(key)) else {
            return nil
        }
        return object
    }

    /// Marks for diagnostics about a field that may be absent.
    func mark(of key: String) -> YAMLMark { self[key]?.mark ?? node.mark }
}

extension YAMLNode {
    /// A key's text; keys are always scalars in the files we accept.
    var scalarText: String {
        if case .scalar(let scalar) = value { return scalar.text }
        return ""
    }

    var isNull: Bool {
        if case .scalar(let scalar) = value { return scalar.style == .plain && scalar.isNull }
        return false
    }
}
