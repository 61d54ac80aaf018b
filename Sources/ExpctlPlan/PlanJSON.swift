public import ExpctlModel

/// The plan as a versioned JSON document (`format_version` "1.0"), for bots and plan files.
public enum PlanJSON {
    public static let formatVersion = "1.0"

    public static func document(_ plan: Plan) -> JSONValue {
        .object([
            "format_version": .string(formatVersion),
            "commit": .string(plan.commit),
            "applicable": .bool(plan.isApplicable),
            "summary": .object([
                "create": .integer(Int64(plan.count(.create))), "update": .integer(Int64(plan.count(.update))),
                "retire": .integer(Int64(plan.count(.retire))), "problems": .integer(Int64(plan.problems.count)),
                "waiting": .integer(Int64(plan.waitingActions.count)),
            ]),
            "actions": .array(plan.actions.map(action)),
            "problems": .array(plan.problems.map(problem)),
        ])
    }

    public static func render(_ plan: Plan) -> String { document(plan).prettyText + "\n" }

    public static func action(_ action: PlannedAction) -> JSONValue {
        .object([
            "id": .string(action.id),
            "kind": .string(action.kind.rawValue),
            "address": .string(action.address.description),
            "reason": .string(action.reason),
            "source": action.source.map(location) ?? .null,
            "changes": .array(action.changes.map { change in
                .object(["field": .string(change.field), "before": change.before ?? .null, "after": change.after ?? .null])
            }),
            "waits_on": .array(action.waitsOn.map(dependency)),
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
        .object(["path": .string(location.path), "line": .integer(Int64(location.line)), "column": .integer(Int64(location.column))])
    }

    static func dependency(_ dependency: Dependency) -> JSONValue {
        switch dependency {
        case .action(let id): .object(["type": .string("action"), "id": .string(id)])
        case .job(let name): .object(["type": .string("job"), "id": .string(name)])
        case .gate(let name): .object(["type": .string("gate"), "id": .string(name)])
        }
    }
}
