import ExpctlModel

/// A saved plan (`expctl plan --out FILE`): the plan's JSON document, its digest, and what
/// apply needs to refuse it when it is stale: the digest of the actual state it was computed
/// against, in PostgreSQL and in the MLflow registry.
public struct PlanFile: Sendable, Hashable {
    public var plan: Plan
    /// SHA-256 (hex) of the actual state's canonical text when the plan was made.
    public var actualStateDigest: String
    /// SHA-256 (hex) of the registry state's canonical text; nil when the plan was made
    /// without MLflow.
    public var registryStateDigest: String?
    /// The registered models whose state that digest covers.
    public var registryModels: [String]
    /// The ref the desired state was read at, for the run record.
    public var ref: String?

    public init(
        plan: Plan, actualStateDigest: String, registryStateDigest: String? = nil, registryModels: [String] = [], ref: String?
    ) {
        self.plan = plan
        self.actualStateDigest = actualStateDigest
        self.registryStateDigest = registryStateDigest
        self.registryModels = registryModels
        self.ref = ref
    }

    public var text: String {
        guard case .object(var members) = PlanJSON.document(plan) else { return "" }
        members["actual_state_digest"] = .string(actualStateDigest)
        members["plan_digest"] = .string(plan.digest)
        members["registry_state_digest"] = registryStateDigest.map(JSONValue.string) ?? .null
        members["registry_models"] = .array(registryModels.map(JSONValue.string))
        members["covers_registry"] = .bool(plan.coversRegistry)
        members["ref"] = ref.map(JSONValue.string) ?? .null
        return JSONValue.object(members).prettyText + "\n"
    }

    /// Reads a plan file back; nil with a reason when it is not one this version writes.
    public static func parse(_ text: String) -> Result<PlanFile, PlanFileError> {
        guard case .object(let root)? = JSONValue(parsing: text) else { return .failure(.notJSON) }
        guard root["format_version"] == .string(PlanJSON.formatVersion) else {
            return .failure(.unsupportedVersion(root["format_version"]?.canonicalText ?? "none"))
        }
        guard case .string(let commit)? = root["commit"], case .string(let digest)? = root["actual_state_digest"],
            case .array(let actionValues)? = root["actions"], case .array(let problemValues)? = root["problems"]
        else { return .failure(.malformed("missing commit, actual_state_digest, actions or problems")) }
        var actions: [PlannedAction] = []
        for value in actionValues {
            guard let action = PlanJSON.action(from: value) else { return .failure(.malformed("an action is malformed: \(value.canonicalText.prefix(120))")) }
            actions.append(action)
        }
        var problems: [PlanProblem] = []
        for value in problemValues {
            guard let problem = PlanJSON.problem(from: value) else { return .failure(.malformed("a problem is malformed")) }
            problems.append(problem)
        }
        var ref: String?
        if case .string(let text)? = root["ref"] { ref = text }
        var registryDigest: String?
        if case .string(let text)? = root["registry_state_digest"] { registryDigest = text }
        var registryModels: [String] = []
        if case .array(let models)? = root["registry_models"] {
            for case .string(let model) in models { registryModels.append(model) }
        }
        return .success(PlanFile(
            plan: Plan(commit: commit, actions: actions, problems: problems, coversRegistry: root["covers_registry"] == .bool(true)),
            actualStateDigest: digest,
            registryStateDigest: registryDigest, registryModels: registryModels, ref: ref))
    }
}

public enum PlanFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case notJSON
    case unsupportedVersion(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .notJSON: "not a plan file (not JSON)"
        case .unsupportedVersion(let version): "plan file format_version \(version) is not \(PlanJSON.formatVersion): make the plan again with this expctl"
        case .malformed(let detail): "malformed plan file: \(detail)"
        }
    }
}

extension PlanJSON {
    static func action(from value: JSONValue) -> PlannedAction? {
        guard case .object(let members) = value, case .string(let kindText)? = members["kind"],
            let kind = ActionKind(rawValue: kindText), case .string(let addressText)? = members["address"],
            let address = ResourceAddress(parsing: addressText), case .string(let reason)? = members["reason"],
            case .array(let changeValues)? = members["changes"], case .array(let dependencyValues)? = members["waits_on"]
        else { return nil }
        var changes: [FieldChange] = []
        for change in changeValues {
            guard case .object(let fields) = change, case .string(let field)? = fields["field"] else { return nil }
            changes.append(FieldChange(field: field, before: nonNull(fields["before"]), after: nonNull(fields["after"])))
        }
        var waitsOn: [Dependency] = []
        for dependency in dependencyValues {
            guard case .object(let fields) = dependency, case .string(let type)? = fields["type"], case .string(let id)? = fields["id"]
            else { return nil }
            switch type {
            case "action": waitsOn.append(.action(id))
            case "job": waitsOn.append(.job(id))
            case "gate": waitsOn.append(.gate(id))
            default: return nil
            }
        }
        return PlannedAction(
            kind: kind, address: address, changes: changes, reason: reason, source: members["source"].flatMap(location), waitsOn: waitsOn)
    }

    static func problem(from value: JSONValue) -> PlanProblem? {
        guard case .object(let members) = value, case .string(let addressText)? = members["address"],
            let address = ResourceAddress(parsing: addressText), case .string(let message)? = members["message"],
            case .string(let hint)? = members["hint"]
        else { return nil }
        return PlanProblem(address: address, message: message, hint: hint, source: members["source"].flatMap(location))
    }

    static func location(from value: JSONValue) -> SourceLocation? {
        guard case .object(let members) = value, case .string(let path)? = members["path"],
            case .integer(let line)? = members["line"], case .integer(let column)? = members["column"]
        else { return nil }
        return SourceLocation(path: path, line: Int(line), column: Int(column))
    }

    /// JSON null in a change means "absent", as before a create.
    private static func nonNull(_ value: JSONValue?) -> JSONValue? {
        value == .null ? nil : value
    }
}

extension ResourceAddress {
    /// Parses the form `description` prints.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "policy": self = .policy(parts[1])
        case "policy_version":
            guard let reference = PolicyVersionRef(parsing: parts[1]) else { return nil }
            self = .policyVersion(reference)
        case "model_version":
            guard let slash = parts[1].lastIndex(of: "/") else { return nil }
            self = .modelVersion(model: String(parts[1][..<slash]), version: String(parts[1][parts[1].index(after: slash)...]))
        case "model_alias":
            guard let at = parts[1].lastIndex(of: "@") else { return nil }
            self = .modelAlias(model: String(parts[1][..<at]), alias: String(parts[1][parts[1].index(after: at)...]))
        case "experiment":
            let pieces = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            switch pieces.count {
            case 1: self = .experiment(parts[1])
            case 2 where pieces[1].hasPrefix("variant."): self = .variant(experiment: String(pieces[0]), name: String(pieces[1].dropFirst(8)))
            default: return nil
            }
        default: return nil
        }
    }
}
