/// A declared registry stage for one model version: the promotion state machine drives the
/// registry towards it, subject to the gates.
public struct Promotion: Sendable, Hashable {
    /// The MLflow registered model.
    public var model: String
    public var target: PromotionTarget
    public var stage: ModelStage
    public var origin: SourceLocation

    public init(model: String, target: PromotionTarget, stage: ModelStage, origin: SourceLocation) {
        self.model = model
        self.target = target
        self.stage = stage
        self.origin = origin
    }
}

/// Which version a promotion is about.
public enum PromotionTarget: Sendable, Hashable, CustomStringConvertible {
    /// A registered version number.
    case version(String)
    /// The version the named training registers.
    case training(String)

    public var description: String {
        switch self {
        case .version(let number): "version \(number)"
        case .training(let name): "the version of training \(name)"
        }
    }
}

/// Registry stages, kept as the `stage` tag of a model version (MLflow's own stages are deprecated).
public enum ModelStage: String, Sendable, Hashable, Codable, CaseIterable {
    case candidate
    case production
    case archived
}
