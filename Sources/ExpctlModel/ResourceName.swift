/// The rule every resource name follows: `^[a-z0-9][a-z0-9_.-]{0,62}$`.
///
/// Names become database keys, MLflow tags and file names, so they are kept to a portable,
/// lower-case alphabet.
public enum ResourceName {
    public static let pattern = "^[a-z0-9][a-z0-9_.-]{0,62}$"
    public static let maxLength = 63

    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= maxLength, isLowerAlphanumeric(first) else {
            return false
        }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A suggestion for a name that breaks the rule: lower-cased, other characters as `_`.
    public static func suggestion(for name: String) -> String? {
        var result = ""
        for scalar in name.lowercased().unicodeScalars {
            if scalar.isASCII, isLowerAlphanumeric(UInt8(scalar.value)) || "_.-".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "_"
            }
        }
        while let first = result.utf8.first, !isLowerAlphanumeric(first) { result.removeFirst() }
        if result.utf8.count > maxLength { result = String(result.prefix(maxLength)) }
        return isValid(result) ? result : nil
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
