import ExpctlModel

/// A saved plan (`expctl plan --out FILE`): the plan's JSON document with what apply needs to
/// refuse it when it is stale (the digest of each part of the observed state it was made
/// from) or when the file was edited (`file_digest`, over everything else in the file).
public struct PlanFile: Sendable, Hashable {
    public var plan: Plan
    public var observed: StateDigests
    /// The ref the desired state was read at, for the run record.
    public var ref: String?

    public init(plan: Plan, observed: StateDigests, ref: String?) {
        self.plan = plan
        self.observed = observed
        self.ref = ref
    }

    public var text: String {
        var members = contentMembers
        members["file_digest"] = .string(Self.fileDigest(of: members))
        return JSONValue.object(members).prettyText + "\n"
    }

    /// Everything the file says but its own digest.
    private var contentMembers: [String: JSONValue] {
        guard case .object(var members) = PlanJSON.document(plan) else { return [:] }
        members["observed"] = .object([
            "database": .string(observed.database), "jobs": .string(observed.jobs),
            "registry": observed.registry.map(JSONValue.string) ?? .null,
            "registry_models": .array(observed.registryModels.map(JSONValue.string)),
        ])
        members["plan_digest"] = .string(plan.digest)
        members["ref"] = ref.map(JSONValue.string) ?? .null
        return members
    }

    /// SHA-256 of the canonical text (sorted keys, no spaces) of the file's members.
    private static func fileDigest(of members: [String: JSONValue]) -> String {
        ContentHash.hex(JSONValue.object(members).canonicalText)
    }

    /// Reads a plan file back; refuses one of another format version, one whose content does
    /// not match its digest (edited by hand or by a tool), and one that is not whole.
    public static func parse(_ text: String) -> Result<PlanFile, PlanFileError> {
        guard case .object(var members)? = JSONValue(parsing: text) else { return .failure(.notJSON) }
        guard members["format_version"] == .string(PlanJSON.formatVersion) else {
            let found = if case .string(let version)? = members["format_version"] { version } else { "none" }
            return .failure(.unsupportedVersion(found))
        }
        guard case .string(let recorded)? = members.removeValue(forKey: "file_digest") else {
            return .failure(.malformed(PlanJSONError(path: "file_digest", message: "is missing")))
        }
        guard recorded == fileDigest(of: members) else { return .failure(.edited) }
        do {
            let root = Fields(members)
            let plan = try PlanJSONReading.plan(root)
            guard try root.string("plan_digest") == plan.digest else { return .failure(.edited) }
            let observed = try root.object("observed")
            let digests = StateDigests(
                database: try observed.string("database"), jobs: try observed.string("jobs"),
                registry: try observed.optionalString("registry"),
                registryModels: try observed.strings("registry_models"))
            return .success(PlanFile(plan: plan, observed: digests, ref: try root.optionalString("ref")))
        } catch {
            return .failure(.malformed(error))
        }
    }
}

public enum PlanFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case notJSON
    case unsupportedVersion(String)
    /// The content does not match the digest expctl wrote with it.
    case edited
    case malformed(PlanJSONError)

    public var description: String {
        switch self {
        case .notJSON: "not a plan file (not JSON)"
        case .unsupportedVersion(let version):
            "the plan file has format_version \(version); this expctl reads \(PlanJSON.formatVersion) only: "
                + "make the plan again with it (expctl plan --out FILE)"
        case .edited:
            "the plan file was changed after expctl wrote it (its content does not match its file_digest): "
                + "make the plan again"
        case .malformed(let error): "malformed plan file: \(error)"
        }
    }
}
