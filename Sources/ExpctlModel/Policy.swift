/// A named policy (e.g. the weekly meal planner) and its immutable, numbered versions.
public struct Policy: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var versions: [PolicyVersion]
    public var origin: SourceLocation

    public init(name: String, description: String? = nil, versions: [PolicyVersion], origin: SourceLocation) {
        self.name = name
        self.description = description
        self.versions = versions
        self.origin = origin
    }

    public func version(_ number: Int) -> PolicyVersion? { versions.first { $0.version == number } }
}

/// One version of a policy: the link between an MLflow model version and the experiment system.
public struct PolicyVersion: Sendable, Hashable {
    public var version: Int
    public var mlflowModelName: String
    public var model: ModelSource
    public var configDefaults: [String: JSONValue]
    public var origin: SourceLocation

    public init(
        version: Int, mlflowModelName: String, model: ModelSource, configDefaults: [String: JSONValue] = [:],
        origin: SourceLocation
    ) {
        self.version = version
        self.mlflowModelName = mlflowModelName
        self.model = model
        self.configDefaults = configDefaults
        self.origin = origin
    }
}

/// Where a policy version's model comes from.
public enum ModelSource: Sendable, Hashable {
    /// A version already registered in the MLflow model registry.
    case registered(version: String)
    /// The version that the named training config registers when it runs.
    case training(name: String)
}
