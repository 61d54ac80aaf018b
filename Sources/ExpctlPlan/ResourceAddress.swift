public import ExpctlModel

/// What an action is about.
public enum ResourceAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// A job of the ledger (`exp.jobs`), by kind and name; its inputs digest is in the action.
    case job(kind: JobKind, name: String)
    case policy(String)
    case policyVersion(PolicyVersionRef)
    case experiment(String)
    case variant(experiment: String, name: String)
    /// A version of an MLflow registered model (its `stage` tag).
    case modelVersion(model: String, version: String)
    /// The gate tags of a version (`expctl.offline_gate`): written as soon as a gate judged it,
    /// apart from a stage move that may still wait.
    case modelVersionTags(model: String, version: String)
    /// An alias of an MLflow registered model (`production`, `candidate`).
    case modelAlias(model: String, alias: String)

    /// `job.training/planner-2025-01-10`, `policy.planner_policy`, `policy_version.planner_policy@2`,
    /// `experiment.x`, `experiment.x/variant.control`: names may contain `.` but never `/` or
    /// `@`, so each address reads back as exactly one resource.
    public var description: String {
        switch self {
        case .job(let kind, let name): "job.\(kind.rawValue)/\(name)"
        case .policy(let name): "policy.\(name)"
        case .policyVersion(let reference): "policy_version.\(reference)"
        case .experiment(let name): "experiment.\(name)"
        case .variant(let experiment, let name): "experiment.\(experiment)/variant.\(name)"
        case .modelVersion(let model, let version): "model_version.\(model)/\(version)"
        case .modelVersionTags(let model, let version): "model_version_tags.\(model)/\(version)"
        case .modelAlias(let model, let alias): "model_alias.\(model)@\(alias)"
        }
    }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool { lhs.description < rhs.description }

    /// The system an action on this address changes; apply writes them in this order.
    public var system: ManagedSystem {
        switch self {
        case .job: .jobLedger
        case .modelVersion, .modelVersionTags, .modelAlias: .registry
        case .policy, .policyVersion, .experiment, .variant: .database
        }
    }

    /// Parses the form `description` prints.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "job":
            guard let slash = parts[1].firstIndex(of: "/"), let kind = JobKind(rawValue: String(parts[1][..<slash]))
            else { return nil }
            let name = String(parts[1][parts[1].index(after: slash)...])
            guard !name.isEmpty else { return nil }
            self = .job(kind: kind, name: name)
        case "policy": self = .policy(parts[1])
        case "policy_version":
            guard let reference = PolicyVersionRef(parsing: parts[1]) else { return nil }
            self = .policyVersion(reference)
        case "model_version", "model_version_tags":
            guard let slash = parts[1].lastIndex(of: "/") else { return nil }
            let (model, version) = (String(parts[1][..<slash]), String(parts[1][parts[1].index(after: slash)...]))
            self =
                parts[0] == "model_version"
                ? .modelVersion(model: model, version: version)
                : .modelVersionTags(model: model, version: version)
        case "model_alias":
            guard let at = parts[1].lastIndex(of: "@") else { return nil }
            self = .modelAlias(model: String(parts[1][..<at]), alias: String(parts[1][parts[1].index(after: at)...]))
        case "experiment":
            let pieces = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            switch pieces.count {
            case 1: self = .experiment(parts[1])
            case 2 where pieces[1].hasPrefix("variant."):
                self = .variant(experiment: String(pieces[0]), name: String(pieces[1].dropFirst(8)))
            default: return nil
            }
        default: return nil
        }
    }
}

/// The systems a plan changes, in the order apply writes them: the job ledger first (a job
/// recorded is never lost), then MLflow (which cannot roll back), then the database in one
/// transaction (which can).
public enum ManagedSystem: String, Sendable, Hashable, CaseIterable {
    case jobLedger = "job_ledger"
    case registry
    case database
}
