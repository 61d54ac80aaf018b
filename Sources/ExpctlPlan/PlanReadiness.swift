/// Which of a plan's actions apply can carry out now, and which system each one changes.
extension Plan {
    /// Actions that wait on a job or a gate (a promotion of a version a training has not
    /// registered yet), or on another waiting action: shown in the plan, skipped by apply
    /// until a later plan finds them ready.
    public var waitingActions: [PlannedAction] { partitionedByReadiness.waiting }

    /// Actions apply carries out now, in plan order.
    public var readyActions: [PlannedAction] { partitionedByReadiness.ready }

    /// Whether apply has anything to do (a plan of waiting actions only has not).
    public var hasReadyChanges: Bool { !readyActions.isEmpty }

    private var partitionedByReadiness: (ready: [PlannedAction], waiting: [PlannedAction]) {
        var waitingIDs = Set<String>()
        var ready: [PlannedAction] = []
        var waiting: [PlannedAction] = []
        // Plan order puts an action after what it waits on, so one pass sees waits transitively.
        for action in actions {
            let waits = action.waitsOn.contains { dependency in
                switch dependency {
                case .job, .gate: true
                case .action(let id): waitingIDs.contains(id)
                }
            }
            if waits {
                waitingIDs.insert(action.id)
                waiting.append(action)
            } else {
                ready.append(action)
            }
        }
        return (ready, waiting)
    }
}

extension ResourceAddress {
    /// Whether an action on this address changes the MLflow model registry (else PostgreSQL).
    public var isInRegistry: Bool {
        switch self {
        case .modelVersion, .modelAlias: true
        case .policy, .policyVersion, .experiment, .variant: false
        }
    }
}
