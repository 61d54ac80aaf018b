public import ExpctlModel
public import ExpctlPlan

/// How a pass ended, as source-controller classifies it: what the loop does next follows.
public enum PassOutcome: @unchecked Sendable {
    /// Nothing to apply, nothing waiting or blocked: the observed state is the desired one.
    case converged(SourceRevision)
    /// Ready actions were applied; `remaining` still wait or are blocked.
    case applied(SourceRevision, ApplyReport, remaining: Remaining)
    /// Nothing ready, but actions wait on jobs or gates, or are blocked.
    case waiting(SourceRevision, Remaining)
    /// Needs a new commit: the tree is invalid, or git asks for what expctl refuses.
    case stalled(SourceRevision?, StallReason)
    /// A server could not be reached, or something changed under the pass: retried with backoff.
    case transient(PassError)

    public var revision: SourceRevision? {
        switch self {
        case .converged(let revision), .applied(let revision, _, _), .waiting(let revision, _): revision
        case .stalled(let revision, _): revision
        case .transient: nil
        }
    }

    /// `converged`, `applied`, `waiting`, `stalled`, `transient`: for logs and metrics.
    public var kind: String {
        switch self {
        case .converged: "converged"
        case .applied: "applied"
        case .waiting: "waiting"
        case .stalled: "stalled"
        case .transient: "transient"
        }
    }
}

public enum StallReason: Sendable {
    case invalidDesiredState([Diagnostic])
    case planProblems([PlanProblem])
    /// Apply failed in a way that retrying will not change (a statement the database refuses,
    /// a plan that needs MLflow where none is configured): a new commit or a fix is needed.
    case applyRefused(ApplyError)
    /// The branch moved to a commit that does not descend from the last applied one (a
    /// force-push, a reset): fast-forward only, until `--allow-history-rewrite` or a new commit
    /// on top of `applied`.
    case historyRewritten(applied: String)
    /// Signature verification is on and the commit is not signed by an allowed key.
    case signatureRefused(String)
}

/// What a pass could not apply: actions that wait on jobs or gates, and blocked ones.
public struct Remaining: Sendable {
    public var waiting: [PlannedAction]
    public var blocked: [PlannedAction]

    public init(waiting: [PlannedAction] = [], blocked: [PlannedAction] = []) {
        self.waiting = waiting
        self.blocked = blocked
    }

    public init(_ plan: Plan) { self.init(waiting: plan.waitingActions, blocked: plan.blockedActions) }

    public var isEmpty: Bool { waiting.isEmpty && blocked.isEmpty }

    /// The jobs and gates the waiting actions wait on, each once, in plan order.
    public var dependencies: [Dependency] {
        var seen: [Dependency] = []
        for action in waiting {
            guard case .waiting(let dependencies) = action.readiness else { continue }
            for dependency in dependencies where !seen.contains(dependency) {
                if case .action = dependency { continue }
                seen.append(dependency)
            }
        }
        return seen
    }
}

/// What an apply did.
public struct ApplyReport: Sendable, Hashable {
    public var runID: Int64
    /// Ready actions carried out, by system.
    public var ledgerActions: Int
    public var registryActions: Int
    public var databaseActions: Int
    public var created: Int
    public var updated: Int
    public var retired: Int
    /// Gate decisions recorded in `exp.gate_decisions` (new verdicts or evidence).
    public var gateDecisions: Int

    public init(
        runID: Int64, ledgerActions: Int, registryActions: Int, databaseActions: Int,
        created: Int, updated: Int, retired: Int, gateDecisions: Int = 0
    ) {
        self.runID = runID
        self.ledgerActions = ledgerActions
        self.registryActions = registryActions
        self.databaseActions = databaseActions
        self.created = created
        self.updated = updated
        self.retired = retired
        self.gateDecisions = gateDecisions
    }

    public var total: Int { ledgerActions + registryActions + databaseActions }
}
