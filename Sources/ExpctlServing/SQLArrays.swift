public import ExpctlPostgres

extension PostgresValue {
    /// A text array literal (`{"a","b"}`) for a `$n::text[]` (or `::uuid[]`, `::int[]`)
    /// parameter: many rows in one statement through `unnest`, with no SQL built from data.
    static func textArray(_ values: [String]) -> PostgresValue { optionalTextArray(values) }

    /// `textArray` with NULL elements.
    static func optionalTextArray(_ values: [String?]) -> PostgresValue {
        var literal = "{"
        literal.reserveCapacity(values.count * 40)
        for (index, value) in values.enumerated() {
            if index > 0 { literal.append(",") }
            guard let value else {
                literal.append("NULL")
                continue
            }
            literal.append("\"")
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal.append("\\") }
                literal.unicodeScalars.append(character)
            }
            literal.append("\"")
        }
        literal.append("}")
        return .text(literal)
    }
}
