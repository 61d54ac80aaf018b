public import ExpctlModel

/// The changes, jobs and gate decisions that would bring the actual state to the desired one.
///
/// A plan is a value: renderers turn it into text, markdown or JSON, a plan file stores it,
/// and apply carries out exactly its actions. A plan with problems cannot be applied.
public struct Plan: Sendable, Hashable {
    /// The commit the desired state was read from.
    public var commit: String
    public var actions: [PlannedAction]
    /// Changes git asks for that expctl refuses (an illegal status move, an edited policy
    /// version): the plan cannot be applied until git changes.
    public var problems: [PlanProblem]
    /// Whether the MLflow registry was planned too (else the database only), for the words
    /// of a plan with no changes.
    public var coversRegistry: Bool

    public init(commit: String, actions: [PlannedAction] = [], problems: [PlanProblem] = [], coversRegistry: Bool = false) {
        self.commit = commit
        self.actions = actions
        self.problems = problems
        self.coversRegistry = coversRegistry
    }

    public var hasChanges: Bool { !actions.isEmpty }
    public var isApplicable: Bool { problems.isEmpty }

    /// How many actions of each kind apply would carry out now, for the summary line; the
    /// waiting ones are counted apart (`waitingActions`).
    public func count(_ kind: ActionKind) -> Int { readyActions.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }
}

public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    /// Kept for what references it, but out of use: a variant at allocation 0, an experiment
    /// completed and archived.
    case retire
}

/// What an action is about.
public enum ResourceAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    case policy(String)
    case policyVersion(PolicyVersionRef)
    case experiment(String)
    case variant(experiment: String, name: String)
    /// A version of an MLflow registered model (its `stage` tag).
    case modelVersion(model: String, version: String)
    /// An alias of an MLflow registered model (`production`, `candidate`).
    case modelAlias(model: String, alias: String)

    /// `policy.planner_policy`, `policy_version.planner_policy@2`, `experiment.x`,
    /// `experiment.x/variant.control`: names may contain `.` but never `/` or `@`, so each
    /// address reads back as exactly one resource.
    public var description: String {
        switch self {
        case .policy(let name): "policy.\(name)"
        case .policyVersion(let reference): "policy_version.\(reference)"
        case .experiment(let name): "experiment.\(name)"
        case .variant(let experiment, let name): "experiment.\(experiment)/variant.\(name)"
        case .modelVersion(let model, let version): "model_version.\(model)/\(version)"
        case .modelAlias(let model, let alias): "model_alias.\(model)@\(alias)"
        }
    }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool { lhs.description < rhs.description }
}

/// One field's value before and after; nil where the field is absent (before a create,
/// after a removal).
public struct FieldChange: Sendable, Hashable {
    public var field: String
    public var before: JSONValue?
    public var after: JSONValue?

    public init(field: String, before: JSONValue?, after: JSONValue?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

/// Something an action waits for before it can be applied.
public enum Dependency: Sendable, Hashable {
    /// Another action of the same plan, by id.
    case action(String)
    /// A training or evaluation job, by name.
    case job(String)
    /// An evaluation gate, by name, with the evidence it is waiting for.
    case gate(String)
}

public struct PlannedAction: Sendable, Hashable, Identifiable {
    /// Stable within a plan: `create experiment.x/variant.control`.
    public var id: String { "\(kind.rawValue) \(address)" }
    public var kind: ActionKind
    public var address: ResourceAddress
    public var changes: [FieldChange]
    /// Why, in words: "not in the database", "removed from git".
    public var reason: String
    /// Where git declares the resource; nil for a retirement.
    public var source: SourceLocation?
    public var waitsOn: [Dependency]

    public init(
        kind: ActionKind, address: ResourceAddress, changes: [FieldChange], reason: String,
        source: SourceLocation? = nil, waitsOn: [Dependency] = []
    ) {
        self.kind = kind
        self.address = address
        self.changes = changes
        self.reason = reason
        self.source = source
        self.waitsOn = waitsOn
    }
}

/// A change git asks for that cannot be planned, with what to do instead.
public struct PlanProblem: Sendable, Hashable {
    public var address: ResourceAddress
    public var message: String
    public var hint: String
    public var source: SourceLocation?

    public init(address: ResourceAddress, message: String, hint: String, source: SourceLocation? = nil) {
        self.address = address
        self.message = message
        self.hint = hint
        self.source = source
    }
}

extension Plan {
    /// SHA-256 of a canonical line per action and problem (every field, before and after,
    /// reason, source and dependency): identifies the plan in run records. Lines rather than
    /// the JSON document because a plan of 50,000 actions digests in a fraction of the time.
    public var digest: String {
        var text = "commit \(commit)\n"
        for action in actions {
            text += "\(action.id)\t\(action.reason)\t\(action.source?.description ?? "-")"
            for change in action.changes {
                text += "\t\(change.field)=\(change.before?.canonicalText ?? "-")>\(change.after?.canonicalText ?? "-")"
            }
            for dependency in action.waitsOn { text += "\twaits:\(dependency)" }
            text += "\n"
        }
        for problem in problems {
            text += "problem \(problem.address)\t\(problem.message)\t\(problem.hint)\t\(problem.source?.description ?? "-")\n"
        }
        return SHA256.hex(text)
    }
}
