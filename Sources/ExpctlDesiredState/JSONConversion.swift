import ExpctlModel
import ExpctlYAML

/// Converts YAML nodes to JSON values with the YAML 1.2 core schema.
enum JSONConversion {
    static func value(of node: YAMLNode, context: DecodeContext, scope: Scope) -> JSONValue {
        switch node.value {
        case .scalar(let scalar):
            guard scalar.style == .plain, scalar.tag != "!!str" else { return .string(scalar.text) }
            if scalar.isNull { return .null }
            if let value = scalar.bool { return .bool(value) }
            if let value = scalar.integer { return .integer(Int64(value)) }
            if let value = scalar.double {
                guard value.isFinite else {
                    context.error(
                        at: node.mark, scope, "\(scalar.text) cannot be represented in JSON",
                        hint: "use a finite number or quote it as a string")
                    return .null
                }
                return .double(value)
            }
            return .string(scalar.text)
        case .sequence(let items):
            return .array(items.enumerated().map { index, item in
                value(of: item, context: context, scope: Scope(resource: scope.resource, prefix: "\(scope.prefix)[\(index)]"))
            })
        case .mapping(let entries):
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(entries.count)
            for entry in entries {
                let key = entry.key.scalarText
                object[key] = value(of: entry.value, context: context, scope: scope.nested(key))
            }
            return .object(object)
        }
    }
}
