public import ExpctlModel

/// The plan as a versioned JSON document (`format_version` "2.1", docs/plan-and-apply.md
/// documents every field), for bots and plan files.
public enum PlanJSON {
    public static let formatVersion = "2.1"

    public static func document(_ plan: Plan) -> JSONValue {
        .object([
            "format_version": .string(formatVersion),
            "commit": .string(plan.commit),
            "registry": .string(plan.registry.rawValue),
            "applicable": .bool(plan.isApplicable),
            "summary": .object([
                "create": .integer(Int64(plan.count(.create))), "update": .integer(Int64(plan.count(.update))),
                "retire": .integer(Int64(plan.count(.retire))), "problems": .integer(Int64(plan.problems.count)),
                "waiting": .integer(Int64(plan.waitingActions.count)), "blocked": .integer(Int64(plan.blockedActions.count)),
                "gate_decisions": .integer(Int64(plan.newGateDecisions)),
            ]),
            "actions": .array(plan.actions.map(action)),
            "problems": .array(plan.problems.map(problem)),
            "gates": .array(plan.gates.map(GateJSON.report)),
        ])
    }

    public static func render(_ plan: Plan) -> String { document(plan).prettyText + "\n" }

    /// One element of `gates`: also the evidence apply records in `exp.gate_decisions`.
    public static func gateReport(_ report: GateReport) -> JSONValue { GateJSON.report(report) }

    public static func action(_ action: PlannedAction) -> JSONValue {
        .object([
            "id": .string(action.id),
            "kind": .string(action.kind.rawValue),
            "address": .string(action.address.description),
            "system": .string(action.address.system.rawValue),
            "reason": .string(action.reason),
            "source": action.source.map(location) ?? .null,
            "changes": .array(action.changes.map { change in
                .object(["field": .string(change.field), "before": change.before ?? .null, "after": change.after ?? .null])
            }),
            "after": .array(action.after.map(JSONValue.string)),
            "readiness": readiness(action.readiness),
        ])
    }

    static let readyValue = JSONValue.object(["state": .string("ready")])

    public static func readiness(_ readiness: Readiness) -> JSONValue {
        switch readiness {
        case .ready: readyValue
        case .waiting(let dependencies): .object(["state": .string("waiting"), "waits_on": .array(dependencies.map(dependency))])
        case .blocked(let reason): .object(["state": .string("blocked"), "reason": blockReason(reason)])
        }
    }

    static func blockReason(_ reason: BlockReason) -> JSONValue {
        .object([
            "kind": .string(reason.kind.rawValue), "message": .string(reason.message), "hint": .string(reason.hint),
            "dependency": reason.dependency.map(dependency) ?? .null, "via": reason.via.map(JSONValue.string) ?? .null,
        ])
    }

    public static func dependency(_ dependency: Dependency) -> JSONValue {
        switch dependency {
        case .action(let id):
            .object(["type": .string("action"), "id": .string(id)])
        case .job(let job):
            .object([
                "type": .string("job"), "kind": .string(job.job.kind.rawValue), "name": .string(job.job.name),
                "inputs_digest": .string(job.job.inputsDigest), "evidence": evidence(job.evidence),
            ])
        case .gate(let gate):
            .object([
                "type": .string("gate"), "kind": .string(gate.kind.rawValue), "subject": .string(gate.subject),
                "evidence": evidence(gate.evidence),
            ])
        }
    }

    static func evidence(_ evidence: Evidence) -> JSONValue {
        .object([
            "state": .string(evidence.state), "waits_for": .string(evidence.waitsFor),
            "progress": evidence.progress.map(progress) ?? .null,
            "figures": .array(evidence.figures.map(figure)),
            "detail": evidence.detail.map(JSONValue.string) ?? .null,
        ])
    }

    static func progress(_ progress: Progress) -> JSONValue {
        .object(["done": .double(progress.done), "total": .double(progress.total), "unit": .string(progress.unit)])
    }

    static func figure(_ figure: Figure) -> JSONValue {
        .object([
            "name": .string(figure.name), "value": .double(figure.value), "unit": figure.unit.map(JSONValue.string) ?? .null,
        ])
    }

    static func problem(_ problem: PlanProblem) -> JSONValue {
        .object([
            "address": .string(problem.address.description),
            "message": .string(problem.message),
            "hint": .string(problem.hint),
            "source": problem.source.map(location) ?? .null,
        ])
    }

    static func location(_ location: SourceLocation) -> JSONValue {
        .object([
            "path": .string(location.path), "line": .integer(Int64(location.line)),
            "column": .integer(Int64(location.column)),
        ])
    }
}
