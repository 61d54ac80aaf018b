import ExpctlYAML

/// Decodes the items of a list field whose items must be unique by some key (variant names,
/// version numbers, metric names): each item in its own scope (`variants[1]`), a repeat
/// reported at the repeated item naming the line of the first.
struct UniqueListDecoding<Item, Key: Hashable> {
    /// The list field's name, for scopes such as `variants[1]`.
    var field: String
    /// The field of an item that must be unique, for the diagnostic.
    var keyField: String
    var key: (Item) -> Key
    /// The message for a repeat, given the key and the first item's line.
    var repeated: (Key, Int) -> String
    var hint: String

    /// The decoded items, and whether every item decoded and none was repeated.
    func decode(
        _ items: [YAMLNode], context: DecodeContext, scope: Scope, item decodeItem: (YAMLNode, Scope) -> Item?
    ) -> (items: [Item], allValid: Bool) {
        var decoded: [Item] = []
        decoded.reserveCapacity(items.count)
        var firstLine: [Key: Int] = [:]
        var allValid = true
        for (index, node) in items.enumerated() {
            let itemScope = Scope(resource: scope.resource, prefix: scope.fieldPath("\(field)[\(index)]") ?? field)
            guard let item = decodeItem(node, itemScope) else {
                allValid = false
                continue
            }
            let itemKey = key(item)
            let keyMark = (node[keyField] ?? node).mark
            if let line = firstLine[itemKey] {
                context.error(at: keyMark, itemScope, field: keyField, repeated(itemKey, line), hint: hint)
                allValid = false
                continue
            }
            firstLine[itemKey] = keyMark.line
            decoded.append(item)
        }
        return (decoded, allValid)
    }
}
