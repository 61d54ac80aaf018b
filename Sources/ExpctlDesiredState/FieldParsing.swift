import ExpctlModel
import ExpctlYAML

/// Readers for the kinds of field several resources share: positive integers, MLflow model
/// names and versions, `policy@version` references and allocations.
extension MappingReader {
    /// Model names longer than this are refused (MLflow keeps them in a 256-character column).
    static let maxModelNameLength = 256

    func positiveInteger(_ key: String, required isRequired: Bool = true) -> Int? {
        guard let value = integer(key, required: isRequired) else { return nil }
        guard value >= 1 else {
            context.error(
                at: mark(of: key), scope, field: key, "\(key) must be a positive integer, found \(value)",
                hint: "use 1 or more")
            return nil
        }
        return value
    }

    /// An MLflow registered model version: a positive integer in plain digits, bare or quoted.
    func modelVersion(_ key: String) -> String? {
        guard let node = optional(key), case .scalar(let scalar) = node.value, let number = Int(scalar.text),
            number >= 1, scalar.text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            context.error(
                at: mark(of: key), scope, field: key,
                "\(key) must be a registered model version number (1 or more), found '\(rawText(key))'",
                hint: "MLflow numbers model versions 1, 2, 3, …")
            return nil
        }
        return String(number)
    }

    /// An MLflow registered model name: non-blank text without surrounding spaces.
    func modelName(_ key: String) -> String? {
        guard let text = string(key) else { return nil }
        guard !text.isEmpty, text == text.trimmed, text.count <= Self.maxModelNameLength else {
            context.error(
                at: mark(of: key), scope, field: key,
                text.count > Self.maxModelNameLength
                    ? "\(key) is longer than \(Self.maxModelNameLength) characters"
                    : "\(key) '\(text)' is blank or has surrounding spaces",
                hint: "write the registered model's name exactly, e.g. planner_model")
            return nil
        }
        return text
    }

    /// A `policy@version` reference, recorded for resolution across files.
    func policyVersionReference(_ key: String) -> PolicyVersionRef? {
        guard let text = string(key) else { return nil }
        guard let reference = PolicyVersionRef(parsing: text), ResourceName.isValid(reference.policy) else {
            context.error(
                at: mark(of: key), scope, field: key, "invalid \(key) '\(text)'",
                hint: "write it as policy@version, e.g. planner_policy@1")
            return nil
        }
        context.reference(.policyVersion(reference), at: mark(of: key), scope, field: key)
        return reference
    }

    /// A share of units in 0...1 with at most four decimals (whole buckets of 10,000).
    func allocation(_ key: String, required isRequired: Bool = true) -> Allocation? {
        guard let value = number(key, required: isRequired) else { return nil }
        guard value >= 0, value <= 1 else {
            context.error(
                at: mark(of: key), scope, field: key, "\(key) \(rawText(key)) is outside 0..1",
                hint: "write the share of units as a decimal between 0 and 1, e.g. 0.1 for 10%")
            return nil
        }
        guard let allocation = Allocation(exactly: value) else {
            let nearest = Allocation(buckets: max(1, Int((value * Double(Allocation.bucketCount)).rounded())))
            context.error(
                at: mark(of: key), scope, field: key, "\(key) \(rawText(key)) has more than 4 decimals",
                hint: "units are split into 10,000 buckets; round to 4 decimals, e.g. \(nearest)")
            return nil
        }
        return allocation
    }

    /// `gates: NAME`, the gate profile a resource picks, recorded as a reference to resolve
    /// once every file is read; nil when absent (the `default` profile).
    func gateProfile(_ scope: Scope) -> String? {
        guard let profile = name("gates", required: false) else { return nil }
        context.reference(.gateProfile(profile), at: mark(of: "gates"), scope, field: "gates")
        return profile
    }

    /// The text of a scalar field as written, for messages.
    func rawText(_ key: String) -> String {
        if let node = self[key], case .scalar(let scalar) = node.value { return scalar.text }
        return ""
    }
}

extension String {
    /// Without leading and trailing white space.
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
