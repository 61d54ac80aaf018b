import ExpctlModel

/// Reads a plan back from its JSON document (what `PlanJSON` writes). Strict: every field
/// apply or the renderers use must be there with its type, or the document is refused with
/// the path of what is wrong.
enum PlanJSONReading {
    static func plan(_ root: Fields) throws(PlanJSONError) -> Plan {
        guard let registry = RegistryCoverage(rawValue: try root.string("registry")) else {
            throw root.error("registry", "is not checked, skipped or not_configured")
        }
        let actions = try root.objects("actions").map { fields throws(PlanJSONError) in try action(fields) }
        let problems = try root.objects("problems").map { fields throws(PlanJSONError) in try problem(fields) }
        let gates = try root.objects("gates").map { fields throws(PlanJSONError) in try GateJSON.read(fields) }
        let newDecisions = try root.object("summary").integer("gate_decisions")
        guard (0...Int64(gates.count)).contains(newDecisions) else {
            throw root.error("summary.gate_decisions", "is not between 0 and the number of gates")
        }
        return Plan(
            commit: try root.string("commit"), actions: actions, problems: problems, registry: registry, gates: gates,
            newGateDecisions: Int(newDecisions))
    }

    static func action(_ fields: Fields) throws(PlanJSONError) -> PlannedAction {
        guard let kind = ActionKind(rawValue: try fields.string("kind"))
        else { throw fields.error("kind", "is not create, update or retire") }
        guard let address = ResourceAddress(parsing: try fields.string("address"))
        else { throw fields.error("address", "is not an address") }
        var changes: [FieldChange] = []
        for change in try fields.objects("changes") {
            changes.append(FieldChange(
                field: try change.string("field"), before: try change.value("before"), after: try change.value("after")))
        }
        let action = PlannedAction(
            kind: kind, address: address, changes: changes, reason: try fields.string("reason"),
            source: try fields.optionalObject("source").map { fields throws(PlanJSONError) in try location(fields) },
            after: try fields.strings("after"), readiness: try readiness(try fields.object("readiness")))
        guard try fields.string("id") == action.id else { throw fields.error("id", "does not match its kind and address") }
        return action
    }

    static func readiness(_ fields: Fields) throws(PlanJSONError) -> Readiness {
        switch try fields.string("state") {
        case "ready": return .ready
        case "waiting":
            let dependencies = try fields.objects("waits_on").map { fields throws(PlanJSONError) in try dependency(fields) }
            guard !dependencies.isEmpty else { throw fields.error("waits_on", "is empty for a waiting action") }
            return .waiting(on: dependencies)
        case "blocked":
            let reason = try fields.object("reason")
            guard let kind = BlockReason.Kind(rawValue: try reason.string("kind"))
            else { throw reason.error("kind", "is not a known reason") }
            return .blocked(reason: BlockReason(
                kind: kind, message: try reason.string("message"), hint: try reason.string("hint"),
                dependency: try reason.optionalObject("dependency").map { fields throws(PlanJSONError) in
                    try dependency(fields)
                },
                via: try reason.optionalString("via")))
        default: throw fields.error("state", "is not ready, waiting or blocked")
        }
    }

    static func dependency(_ fields: Fields) throws(PlanJSONError) -> Dependency {
        switch try fields.string("type") {
        case "action": return .action(try fields.string("id"))
        case "job":
            guard let kind = JobKind(rawValue: try fields.string("kind")) else { throw fields.error("kind", "is not a job kind") }
            let key = JobKey(kind: kind, name: try fields.string("name"), inputsDigest: try fields.string("inputs_digest"))
            return .job(JobDependency(job: key, evidence: try evidence(try fields.object("evidence"))))
        case "gate":
            guard let kind = GateKind(rawValue: try fields.string("kind"))
            else { throw fields.error("kind", "is not a gate kind") }
            return .gate(GateDependency(
                kind: kind, subject: try fields.string("subject"), evidence: try evidence(try fields.object("evidence"))))
        default: throw fields.error("type", "is not action, job or gate")
        }
    }

    static func evidence(_ fields: Fields) throws(PlanJSONError) -> Evidence {
        let figures = try fields.objects("figures").map { item throws(PlanJSONError) in try Self.figure(item) }
        let progress = try fields.optionalObject("progress").map { item throws(PlanJSONError) in try Self.progress(item) }
        return Evidence(
            state: try fields.string("state"), waitsFor: try fields.string("waits_for"), progress: progress, figures: figures,
            detail: try fields.optionalString("detail"))
    }

    static func figure(_ fields: Fields) throws(PlanJSONError) -> Figure {
        Figure(name: try fields.string("name"), value: try fields.number("value"), unit: try fields.optionalString("unit"))
    }

    static func progress(_ fields: Fields) throws(PlanJSONError) -> Progress {
        Progress(done: try fields.number("done"), total: try fields.number("total"), unit: try fields.string("unit"))
    }

    static func problem(_ fields: Fields) throws(PlanJSONError) -> PlanProblem {
        guard let address = ResourceAddress(parsing: try fields.string("address"))
        else { throw fields.error("address", "is not an address") }
        return PlanProblem(
            address: address, message: try fields.string("message"), hint: try fields.string("hint"),
            source: try fields.optionalObject("source").map { fields throws(PlanJSONError) in try location(fields) })
    }

    static func location(_ fields: Fields) throws(PlanJSONError) -> SourceLocation {
        SourceLocation(
            path: try fields.string("path"), line: Int(try fields.integer("line")),
            column: Int(try fields.integer("column")))
    }
}

/// What is wrong in a plan document, and where (`actions[3].readiness.state`).
public struct PlanJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path) \(message)" }
}

/// A JSON object with the path it was found at, read field by field with types checked.
struct Fields {
    let members: [String: JSONValue]
    let path: String

    init(_ members: [String: JSONValue], path: String = "") {
        self.members = members
        self.path = path
    }

    func error(_ key: String, _ message: String) -> PlanJSONError { PlanJSONError(path: self.path(key), message: message) }

    private func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func required(_ key: String) throws(PlanJSONError) -> JSONValue {
        guard let value = members[key] else { throw error(key, "is missing") }
        return value
    }

    func string(_ key: String) throws(PlanJSONError) -> String {
        guard case .string(let text) = try required(key) else { throw error(key, "is not a string") }
        return text
    }

    func optionalString(_ key: String) throws(PlanJSONError) -> String? {
        switch try required(key) {
        case .null: return nil
        case .string(let text): return text
        default: throw error(key, "is not a string or null")
        }
    }

    func integer(_ key: String) throws(PlanJSONError) -> Int64 {
        guard case .integer(let number) = try required(key) else { throw error(key, "is not an integer") }
        return number
    }

    func number(_ key: String) throws(PlanJSONError) -> Double {
        switch try required(key) {
        case .double(let number): return number
        case .integer(let number): return Double(number)
        default: throw error(key, "is not a number")
        }
    }

    /// JSON null reads as absent (before a create).
    func value(_ key: String) throws(PlanJSONError) -> JSONValue? {
        let value = try required(key)
        return value == .null ? nil : value
    }

    func object(_ key: String) throws(PlanJSONError) -> Fields {
        guard case .object(let members) = try required(key) else { throw error(key, "is not an object") }
        return Fields(members, path: path(key))
    }

    func optionalObject(_ key: String) throws(PlanJSONError) -> Fields? {
        switch try required(key) {
        case .null: return nil
        case .object(let members): return Fields(members, path: path(key))
        default: throw error(key, "is not an object or null")
        }
    }

    func objects(_ key: String) throws(PlanJSONError) -> [Fields] {
        guard case .array(let items) = try required(key) else { throw error(key, "is not an array") }
        var objects: [Fields] = []
        objects.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .object(let members) = item
            else { throw PlanJSONError(path: "\(path(key))[\(index)]", message: "is not an object") }
            objects.append(Fields(members, path: "\(path(key))[\(index)]"))
        }
        return objects
    }

    func strings(_ key: String) throws(PlanJSONError) -> [String] {
        guard case .array(let items) = try required(key) else { throw error(key, "is not an array") }
        return try items.enumerated().map { (index, item) throws(PlanJSONError) in
            guard case .string(let text) = item
            else { throw PlanJSONError(path: "\(path(key))[\(index)]", message: "is not a string") }
            return text
        }
    }
}
