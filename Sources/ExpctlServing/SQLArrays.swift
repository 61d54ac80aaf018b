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

/// JSON text built by hand for the responses, which are small and hot.
enum JSONText {
    /// `text` as a JSON string, quoted and escaped.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
