public import ExpctlModel
import ExpctlPostgres

/// A running experiment as simulated traffic needs it, read from `exp.experiments` and
/// `exp.variants`: the salt and variants in declared order assign units exactly as every other
/// assigner does (`Assignment`), and each variant's ids go on its events.
public struct TrafficExperiment: Sendable, Equatable {
    public struct Variant: Sendable, Equatable {
        public var id: String
        public var name: String
        public var allocation: Allocation
        public var policyVersionID: String?
        public var retired: Bool
    }

    public var id: String
    public var name: String
    public var unitType: String
    /// `assignment_salt`, else the name (docs/assignment.md).
    public var salt: String
    /// In declared order (`position`).
    public var variants: [Variant]
    /// When the current allocations were written (the latest `variants.updated_at`, rounded up
    /// to the second): the online gate's sample-ratio check counts units assigned since then.
    public var phaseStart: Timestamp

    /// The index in `variants` of the variant a new unit gets; nil outside the allocations.
    func variantIndex(forUnit unitID: String) -> (index: Int, bucket: Int)? {
        let bucket = Assignment.bucket(salt: salt, unitID: unitID)
        return Assignment.variantIndex(forBucket: bucket, allocations: variants.map(\.allocation)).map { ($0, bucket) }
    }

    /// Reads the experiment `name`; it must be running, with variants.
    static func read(_ name: String, _ connection: PostgresConnection) throws -> TrafficExperiment {
        let experiments = try connection.execute(
            """
            SELECT e.id, e.status, e.unit_type, coalesce(e.assignment_salt, e.name) AS salt,
                   ceil(extract(epoch FROM (SELECT max(v.updated_at) FROM exp.variants v WHERE v.experiment_id = e.id)))
                       ::bigint AS phase
            FROM exp.experiments e WHERE e.name = $1
            """, [.text(name)])
        guard experiments.rows.count == 1, let id = experiments.string(0, "id") else {
            let names = try connection.execute(
                "SELECT name FROM exp.experiments WHERE status = 'running' AND archived_at IS NULL ORDER BY name")
            throw TrafficError.unknownExperiment(name, running: names.rows.compactMap { $0.first ?? nil })
        }
        let status = experiments.string(0, "status") ?? ""
        guard status == "running" else { throw TrafficError.notRunning(name, status: status) }
        let rows = try connection.execute(
            """
            SELECT id, name, allocation::text AS allocation, policy_version_id, retired_at IS NOT NULL AS retired
            FROM exp.variants WHERE experiment_id = $1 ORDER BY position, name
            """, [.text(id)])
        let variants = try rows.rows.indices.map { row in
            guard let variantID = rows.string(row, "id"), let variantName = rows.string(row, "name"),
                let allocation = rows.string(row, "allocation").flatMap(Double.init).flatMap(Allocation.init(exactly:))
            else { throw TrafficError.corruptVariant(experiment: name) }
            return Variant(
                id: variantID, name: variantName, allocation: allocation,
                policyVersionID: rows.string(row, "policy_version_id"), retired: rows.bool(row, "retired") ?? false)
        }
        guard variants.contains(where: { $0.allocation.buckets > 0 }) else { throw TrafficError.noVariants(name) }
        return TrafficExperiment(
            id: id, name: name, unitType: experiments.string(0, "unit_type") ?? "user",
            salt: experiments.string(0, "salt") ?? name, variants: variants,
            phaseStart: Timestamp(seconds: experiments.int(0, "phase") ?? 0))
    }
}

/// Why simulated traffic was not written.
public enum TrafficError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownExperiment(String, running: [String])
    case notRunning(String, status: String)
    case noVariants(String)
    case corruptVariant(experiment: String)
    /// An `--effect` or `--drop` names a variant the experiment does not have.
    case unknownVariant(String, option: String, experiment: String, variants: [String])

    public var description: String {
        switch self {
        case .unknownExperiment(let name, let running):
            "no experiment '\(name)' in exp.experiments"
                + (running.isEmpty
                    ? " (no experiment is running: apply one first)"
                    : "; running: \(running.joined(separator: ", "))")
        case .notRunning(let name, let status):
            "experiment '\(name)' is \(status), not running: only a running experiment gets traffic"
        case .noVariants(let name):
            "experiment '\(name)' has no variant with a positive allocation: no unit would be assigned"
        case .corruptVariant(let experiment):
            "a variant of experiment '\(experiment)' lacks its id, name or allocation"
        case .unknownVariant(let variant, let option, let experiment, let variants):
            "\(option): experiment '\(experiment)' has no variant '\(variant)'; its variants: "
                + variants.joined(separator: ", ")
        }
    }
}
