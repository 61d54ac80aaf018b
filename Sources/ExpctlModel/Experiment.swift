/// An experiment: units of one type split over variants by deterministic hashing into
/// 10,000 buckets (see the assignment service of the source documents).
public struct Experiment: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var unitType: UnitType
    public var status: ExperimentStatus
    public var startsAt: Timestamp?
    public var endsAt: Timestamp?
    /// The variant the others are compared with; the first variant when not given.
    public var baseline: String
    public var variants: [Variant]
    /// The salt of the assignment hash; nil for the experiment's name (`assignmentSalt`).
    public var salt: String?
    /// The gate profile its online gate uses; nil for `default`.
    public var gateProfile: String?
    public var origin: SourceLocation

    public init(
        name: String, description: String? = nil, unitType: UnitType, status: ExperimentStatus = .draft,
        startsAt: Timestamp? = nil, endsAt: Timestamp? = nil, baseline: String, variants: [Variant],
        salt: String? = nil, gateProfile: String? = nil, origin: SourceLocation
    ) {
        self.name = name
        self.description = description
        self.unitType = unitType
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.baseline = baseline
        self.variants = variants
        self.salt = salt
        self.gateProfile = gateProfile
        self.origin = origin
    }
}

public enum UnitType: String, Sendable, Hashable, Codable, CaseIterable {
    case user
    case household
}

/// The lifecycle of an experiment: draft → running ⇄ paused → completed.
public enum ExperimentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case running
    case paused
    case completed
}

public struct Variant: Sendable, Hashable {
    public var name: String
    public var allocation: Allocation
    public var policyVersion: PolicyVersionRef
    /// Free-form parameters handed to the policy with the assignment; always a JSON object.
    public var params: [String: JSONValue]
    public var origin: SourceLocation

    public init(
        name: String, allocation: Allocation, policyVersion: PolicyVersionRef,
        params: [String: JSONValue] = [:], origin: SourceLocation
    ) {
        self.name = name
        self.allocation = allocation
        self.policyVersion = policyVersion
        self.params = params
        self.origin = origin
    }
}

/// A share of units, held as whole buckets out of 10,000 so that sums are exact.
public struct Allocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public static let bucketCount = 10_000
    public var buckets: Int

    public init(buckets: Int) { self.buckets = buckets }

    /// The allocation of a decimal written with at most four decimals, or nil when it needs more.
    public init?(exactly fraction: Double) {
        let scaled = fraction * Double(Allocation.bucketCount)
        let rounded = scaled.rounded()
        guard abs(scaled - rounded) < 1e-7, rounded.isFinite, abs(rounded) < 1e15 else { return nil }
        self.buckets = Int(rounded)
    }

    public var fraction: Double { Double(buckets) / Double(Allocation.bucketCount) }

    /// The decimal form, e.g. `0.9`, `0.125`, `1`.
    public var description: String {
        if buckets % Allocation.bucketCount == 0 { return String(buckets / Allocation.bucketCount) }
        var decimals = String(abs(buckets) % Allocation.bucketCount)
        decimals = String(repeating: "0", count: 4 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return (buckets < 0 ? "-" : "") + "\(abs(buckets) / Allocation.bucketCount).\(decimals)"
    }

    public static func < (lhs: Allocation, rhs: Allocation) -> Bool { lhs.buckets < rhs.buckets }
}

/// `policy@version`: a variant's reference to a declared policy version.
public struct PolicyVersionRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var policy: String
    public var version: Int

    public init(policy: String, version: Int) {
        self.policy = policy
        self.version = version
    }

    /// Parses `name@N` with N a positive integer in plain digits (not `+1`, not `01`).
    public init?(parsing text: String) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].first != "0",
            parts[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let version = Int(parts[1]), version >= 1
        else { return nil }
        self.init(policy: String(parts[0]), version: version)
    }

    public var description: String { "\(policy)@\(version)" }
}
