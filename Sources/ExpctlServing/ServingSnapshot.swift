public import ExpctlModel
public import ExpctlPostgres
import Synchronization

/// The applied state as the two APIs read it, in memory: experiments with their variants in
/// declared order, and the policy version ids. Read from PostgreSQL after each pass that
/// applied something and swapped in whole (`SnapshotHolder`), so that no request reads the
/// configuration from the database.
public struct ServingSnapshot: Sendable {
    public struct Variant: Sendable, Equatable {
        public var id: String
        public var name: String
        public var allocation: Allocation
        /// `exp.variants.config` as JSON text: what an assignment hands out.
        public var configJSON: String
        public var retired: Bool
    }

    public struct Experiment: Sendable, Equatable {
        public var id: String
        public var name: String
        public var unitType: String
        public var status: String
        /// `assignment_salt`, else the name (docs/assignment.md).
        public var salt: String
        /// In declared order (`position`), retired ones included (their allocation is 0).
        public var variants: [Variant]

        public var isRunning: Bool { status == "running" }

        /// The index of the variant a new unit gets, and its bucket; nil outside the allocations.
        public func newAssignment(forUnit unitID: String) -> (index: Int?, bucket: Int) {
            let bucket = Assignment.bucket(salt: salt, unitID: unitID)
            return (Assignment.variantIndex(forBucket: bucket, allocations: variants.map(\.allocation)), bucket)
        }
    }

    public var experiments: [String: Experiment]
    public var experimentIDsByName: [String: String]
    public var policyVersionIDs: Set<String>
    /// The running experiments of each unit type, by name.
    public var runningByUnitType: [String: [Experiment]]

    public init(experiments: [Experiment], policyVersionIDs: Set<String>) {
        self.experiments = Dictionary(experiments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        experimentIDsByName = Dictionary(experiments.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
        self.policyVersionIDs = policyVersionIDs
        runningByUnitType = Dictionary(grouping: experiments.filter(\.isRunning).sorted { $0.name < $1.name }, by: \.unitType)
    }

    public static let empty = ServingSnapshot(experiments: [], policyVersionIDs: [])

    /// The experiment `key` names, by id or by name.
    public func experiment(_ key: String) -> Experiment? {
        experiments[key] ?? experimentIDsByName[key].flatMap { experiments[$0] }
    }

    /// Reads it in one repeatable-read transaction; archived experiments are left out.
    public static func read(_ connection: PostgresConnection) throws -> ServingSnapshot {
        try connection.transaction {
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let experimentRows = try connection.execute(
                """
                SELECT id::text, name, unit_type, status, coalesce(assignment_salt, name) AS salt
                FROM exp.experiments WHERE archived_at IS NULL
                """)
            let variantRows = try connection.execute(
                """
                SELECT v.experiment_id::text AS experiment_id, v.id::text AS id, v.name, v.allocation::text AS allocation,
                       v.config::text AS config, v.retired_at IS NOT NULL AS retired
                FROM exp.variants v JOIN exp.experiments e ON e.id = v.experiment_id
                WHERE e.archived_at IS NULL ORDER BY v.experiment_id, v.position, v.name
                """)
            let versions = try connection.execute("SELECT id::text FROM exp.policy_versions")
            var variants: [String: [Variant]] = [:]
            for row in variantRows.rows.indices {
                guard let experiment = variantRows.string(row, "experiment_id"), let id = variantRows.string(row, "id"),
                    let name = variantRows.string(row, "name"),
                    let allocation = variantRows.string(row, "allocation").flatMap(Double.init).flatMap(
                        Allocation.init(exactly:))
                else { throw SnapshotError.corruptRow("exp.variants") }
                variants[experiment, default: []].append(
                    Variant(
                        id: id, name: name, allocation: allocation, configJSON: variantRows.string(row, "config") ?? "{}",
                        retired: variantRows.bool(row, "retired") ?? false))
            }
            let experiments = try experimentRows.rows.indices.map { row in
                guard let id = experimentRows.string(row, "id"), let name = experimentRows.string(row, "name"),
                    let unitType = experimentRows.string(row, "unit_type"),
                    let status = experimentRows.string(row, "status"), let salt = experimentRows.string(row, "salt")
                else { throw SnapshotError.corruptRow("exp.experiments") }
                return Experiment(
                    id: id, name: name, unitType: unitType, status: status, salt: salt, variants: variants[id] ?? [])
            }
            return ServingSnapshot(
                experiments: experiments, policyVersionIDs: Set(versions.rows.indices.compactMap { versions.string($0, "id") }))
        }
    }
}

public enum SnapshotError: Error, Sendable, CustomStringConvertible {
    case corruptRow(String)

    public var description: String {
        switch self {
        case .corruptRow(let table): "a row of \(table) lacks a field the APIs need"
        }
    }
}

/// The snapshot the APIs serve from, swapped whole after a pass; nil until the first is read.
public final class SnapshotHolder: Sendable {
    private let current = Mutex<ServingSnapshot?>(nil)

    public init() {}

    public var snapshot: ServingSnapshot? { current.withLock { $0 } }

    public func replace(with snapshot: ServingSnapshot) { current.withLock { $0 = snapshot } }
}
