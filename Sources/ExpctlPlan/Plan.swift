public import ExpctlModel

/// The changes, jobs and gate decisions that would bring the observed state to the desired one.
///
/// A plan is a value: renderers turn it into text, markdown or JSON, a plan file stores it,
/// and apply carries out exactly its ready actions. A plan with problems cannot be applied.
public struct Plan: Sendable, Hashable {
    /// The commit the desired state was read from.
    public var commit: String
    /// In the order apply runs them: each after the actions it needs.
    public var actions: [PlannedAction]
    /// Changes git asks for that expctl refuses (an illegal status move, an edited policy
    /// version): the plan cannot be applied until git changes.
    public var problems: [PlanProblem]
    /// How the MLflow registry was seen: checked, skipped on request, or not configured.
    public var registry: RegistryCoverage
    /// Every gate judged for this plan, by gate and subject: the evidence behind the actions
    /// that wait on or are blocked by a gate, and what apply records in `exp.gate_decisions`.
    public var gates: [GateReport]
    /// How many of `gates` are new verdicts or new evidence, which apply records.
    public var newGateDecisions: Int

    public init(
        commit: String, actions: [PlannedAction] = [], problems: [PlanProblem] = [],
        registry: RegistryCoverage = .checked,
        gates: [GateReport] = [], newGateDecisions: Int = 0
    ) {
        self.commit = commit
        self.actions = actions
        self.problems = problems
        self.registry = registry
        self.gates = gates
        self.newGateDecisions = newGateDecisions
    }

    /// Whether apply has anything to write: ready changes, or gate decisions to record.
    public var hasWork: Bool { hasReadyChanges || newGateDecisions > 0 }

    public var isApplicable: Bool { problems.isEmpty }

    /// Actions apply carries out now, in plan order.
    public var readyActions: [PlannedAction] { actions.filter(\.readiness.isReady) }
    public var waitingActions: [PlannedAction] {
        actions.filter { if case .waiting = $0.readiness { true } else { false } }
    }
    public var blockedActions: [PlannedAction] {
        actions.filter { if case .blocked = $0.readiness { true } else { false } }
    }

    /// Whether apply has anything to do (a plan of waiting and blocked actions only has not).
    public var hasReadyChanges: Bool { actions.contains { $0.readiness.isReady } }

    /// How many ready actions of each kind, for the summary line; waiting and blocked ones
    /// are counted apart.
    public func count(_ kind: ActionKind) -> Int {
        actions.reduce(0) { $0 + ($1.kind == kind && $1.readiness.isReady ? 1 : 0) }
    }
}

public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    /// Kept for what references it, but out of use: a variant at allocation 0, an experiment
    /// completed and archived, a superseded job cancelled.
    case retire
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

public struct PlannedAction: Sendable, Hashable, Identifiable {
    /// Stable within a plan: `create experiment.x/variant.control`.
    public var id: String { Self.id(kind, address) }

    /// The id an action of `kind` on `address` has, for the actions that refer to one.
    public static func id(_ kind: ActionKind, _ address: ResourceAddress) -> String { "\(kind.rawValue) \(address)" }
    public var kind: ActionKind
    public var address: ResourceAddress
    public var changes: [FieldChange]
    /// Why, in words: "not in the database", "removed from git".
    public var reason: String
    /// Where git declares the resource; nil for a retirement.
    public var source: SourceLocation?
    /// Ids of the actions of this plan that must go first (the creates of what it references).
    public var after: [String]
    /// Ready, waiting on jobs or gates, or blocked. The planner gives an action its own; the
    /// plan's actions also inherit the readiness of the actions they come `after`.
    public var readiness: Readiness

    public init(
        kind: ActionKind, address: ResourceAddress, changes: [FieldChange], reason: String,
        source: SourceLocation? = nil, after: [String] = [], readiness: Readiness = .ready
    ) {
        self.kind = kind
        self.address = address
        self.changes = changes
        self.reason = reason
        self.source = source
        self.after = after
        self.readiness = readiness
    }

    public func change(_ field: String) -> FieldChange? { changes.first { $0.field == field } }
    public func after(_ field: String) -> JSONValue? { change(field)?.after }
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
