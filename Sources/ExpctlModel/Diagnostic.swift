/// A problem found in the desired state, as a value: the library returns diagnostics and the
/// command line decides how to print them.
public struct Diagnostic: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// The resource the problem belongs to, e.g. `experiment planner_policy_exp`; nil for
    /// problems of the file itself (syntax, encoding, size).
    public var resource: String?
    /// The field path within the resource, e.g. `variants[1].allocation`.
    public var field: String?
    public var message: String
    /// What would fix it, e.g. "did you mean `allocation`?".
    public var hint: String?

    public init(
        _ severity: Severity = .error, at location: SourceLocation, resource: String? = nil,
        field: String? = nil, message: String, hint: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.resource = resource
        self.field = field
        self.message = message
        self.hint = hint
    }

    /// Orders diagnostics by file, then position, so output is stable.
    public static func byLocation(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        return lhs.message < rhs.message
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
