import ExpctlModel
public import ExpctlPostgres

/// The Experiment Assignment Service (002 §5): which variant of each running experiment of its
/// type a unit is in, deterministic (the shared `Assignment` hash with the experiment's salt)
/// and sticky (persisted in `exp.assignments` on first sight; a returning unit gets the
/// variant it was given, whatever the allocations say now).
///
/// Requests are answered from the snapshot and one statement per batch of concurrent requests
/// (`ConnectionWorkers`): insert the new assignments (`ON CONFLICT DO NOTHING`) and read back
/// the ones already there, then re-read the few that lost a race to a concurrent first request,
/// which the statement's snapshot cannot see.
public final class AssignmentService: Sendable {
    private let snapshots: SnapshotHolder
    private let workers: ConnectionWorkers<[AssignmentRow], [AssignmentRow.Key: String]>

    public init(snapshots: SnapshotHolder, database: ConnectionSettings, connections: Int = 2, maxPending: Int = 4096) {
        self.snapshots = snapshots
        workers = ConnectionWorkers(
            settings: database, threads: connections, maxBatch: 256, maxPending: maxPending, name: "assignments"
        ) { batch, connection in
            let held = try AssignmentWriter.assign(batch.flatMap { $0 }, connection)
            return batch.map { rows in .success(held.filter { key, _ in rows.contains { $0.key == key } }) }
        }
    }

    public func shutdown() { workers.shutdown() }

    /// Whether the calling thread is one of the workers' (tests check libpq runs nowhere else).
    public func isWorkerThread() -> Bool { workers.isWorkerThread() }

    /// The response body for a request body.
    public func assign(body: [UInt8]) async throws -> [UInt8] {
        guard let snapshot = snapshots.snapshot else { throw ServingError.notReady }
        let request = try AssignmentRequest(body: body)
        var wanted = snapshot.runningByUnitType[request.unitType] ?? []
        if let requested = request.requestedExperiments {
            let ids = Set(requested.compactMap { snapshot.experiment($0)?.id })
            wanted = wanted.filter { ids.contains($0.id) }
        }
        let rows = wanted.map { experiment in
            let (index, bucket) = experiment.newAssignment(forUnit: request.unitID)
            return AssignmentRow(
                experimentID: experiment.id, unitID: request.unitID, unitType: request.unitType,
                variantID: index.map { experiment.variants[$0].id }, bucket: bucket)
        }
        let held = rows.isEmpty ? [:] : try await workers.submit(rows)
        var assignments: [String] = []
        for experiment in wanted {
            guard let variantID = held[AssignmentRow.Key(experimentID: experiment.id, unitID: request.unitID)],
                let variant = experiment.variants.first(where: { $0.id == variantID }), !variant.retired
            else { continue }
            assignments.append(
                "{\"experiment_id\":\(JSONValue.quoted(experiment.id)),\"experiment_name\":\(JSONValue.quoted(experiment.name)),"
                    + "\"variant_id\":\(JSONValue.quoted(variant.id)),\"variant_name\":\(JSONValue.quoted(variant.name)),"
                    + "\"config\":\(variant.configJSON)}")
        }
        return Array(("{\"assignments\":[" + assignments.joined(separator: ",") + "]}").utf8)
    }
}

/// A request of 002 §5: `unit_type`, `unit_id`, optional `context` and `requested_experiments`
/// (names or ids; without it, every running experiment of the unit's type).
struct AssignmentRequest {
    var unitType: String
    var unitID: String
    var requestedExperiments: [String]?

    static let unitTypes: Set<String> = ["user", "household"]

    init(body: [UInt8]) throws(RequestError) {
        let fields = try JSONFields(try JSONFields.body(body), path: "")
        unitType = try fields.string("unit_type")
        guard Self.unitTypes.contains(unitType) else {
            throw RequestError("unit_type", "must be one of \(Self.unitTypes.sorted().joined(separator: ", "))")
        }
        unitID = try fields.string("unit_id")
        _ = try fields.optionalObject("context")
        if let requested = fields.object["requested_experiments"], requested != .null {
            guard case .array(let names) = requested else {
                throw RequestError("requested_experiments", "must be a list of experiment names or ids")
            }
            requestedExperiments = try names.enumerated().map { (index, name) throws(RequestError) in
                guard case .string(let text) = name, !text.isEmpty else {
                    throw RequestError("requested_experiments[\(index)]", "must be an experiment name or id")
                }
                return text
            }
        }
    }
}

/// One row of `exp.assignments` an assignment would write.
struct AssignmentRow: Sendable {
    struct Key: Hashable, Sendable {
        var experimentID: String
        var unitID: String
    }

    var experimentID: String
    var unitID: String
    var unitType: String
    /// The variant the bucket gives; nil outside the allocations (then nothing is written, but a
    /// stored assignment is still read back).
    var variantID: String?
    var bucket: Int

    var key: Key { Key(experimentID: experimentID, unitID: unitID) }
}

/// The SQL of assignment.
enum AssignmentWriter {
    /// Writes the new rows and returns the variant every key holds (new or stored).
    static func assign(_ rows: [AssignmentRow], _ connection: PostgresConnection) throws -> [AssignmentRow.Key: String] {
        let result = try connection.execute(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[])
                    AS t (experiment_id, unit_id, unit_type, variant_id, bucket)
            ), inserted AS (
                INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket)
                -- In key order, once each: two batches that share units then lock them in the same
                -- order, so they never deadlock.
                SELECT DISTINCT ON (experiment_id, unit_id) experiment_id, unit_id, unit_type, variant_id, bucket
                FROM input WHERE variant_id IS NOT NULL ORDER BY experiment_id, unit_id
                ON CONFLICT (experiment_id, unit_id) DO NOTHING
                RETURNING experiment_id, unit_id, variant_id
            )
            SELECT i.experiment_id::text AS experiment_id, i.unit_id, coalesce(n.variant_id, a.variant_id)::text AS variant_id
            FROM input i
            LEFT JOIN inserted n ON n.experiment_id = i.experiment_id AND n.unit_id = i.unit_id
            LEFT JOIN exp.assignments a ON a.experiment_id = i.experiment_id AND a.unit_id = i.unit_id
            """,
            [
                .textArray(rows.map(\.experimentID)), .textArray(rows.map(\.unitID)), .textArray(rows.map(\.unitType)),
                .optionalTextArray(rows.map(\.variantID)), .textArray(rows.map { String($0.bucket) }),
            ])
        var held: [AssignmentRow.Key: String] = [:]
        var missing: [AssignmentRow] = []
        for row in result.rows.indices {
            guard let experiment = result.string(row, "experiment_id"), let unit = result.string(row, "unit_id") else { continue }
            let key = AssignmentRow.Key(experimentID: experiment, unitID: unit)
            if let variant = result.string(row, "variant_id") {
                held[key] = variant
            } else if let input = rows.first(where: { $0.key == key }), input.variantID != nil {
                // Lost the race to a concurrent first request, committed after this statement began.
                missing.append(input)
            }
        }
        guard !missing.isEmpty else { return held }
        let reread = try connection.execute(
            """
            SELECT a.experiment_id::text AS experiment_id, a.unit_id, a.variant_id::text AS variant_id
            FROM exp.assignments a JOIN unnest($1::uuid[], $2::text[]) AS t (experiment_id, unit_id)
              ON a.experiment_id = t.experiment_id AND a.unit_id = t.unit_id
            """, [.textArray(missing.map(\.experimentID)), .textArray(missing.map(\.unitID))])
        for row in reread.rows.indices {
            guard let experiment = reread.string(row, "experiment_id"), let unit = reread.string(row, "unit_id"),
                let variant = reread.string(row, "variant_id")
            else { continue }
            held[AssignmentRow.Key(experimentID: experiment, unitID: unit)] = variant
        }
        return held
    }
}
