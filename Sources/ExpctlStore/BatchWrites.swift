import ExpctlModel
import ExpctlPlan
import ExpctlPostgres

/// Applies runs of creates of the same kind (experiments, variants) as one INSERT each, and
/// runs of allocation changes as one UPDATE each, with the values as arrays (`unnest`),
/// instead of one statement per row: a plan that creates 40,000 variants, or moves the traffic
/// of all of them, makes a few round trips, not 40,000.
///
/// Each batch runs under a savepoint. When it fails or matches fewer rows than it should, the
/// batch is rolled back to the savepoint and its actions are applied one at a time, so the
/// error names the action that failed, as without batching.
struct BatchWrites {
    let single: PlanApplier
    var connection: PostgresConnection { single.connection }
    /// Rows per statement: large enough to amortise the round trip, small enough for memory.
    static let batchSize = 5_000

    func apply(_ actions: [PlannedAction]) throws {
        var index = 0
        while index < actions.count {
            let kind = Self.batchKind(actions[index])
            var end = index + 1
            while end < actions.count, end - index < Self.batchSize, kind != nil, Self.batchKind(actions[end]) == kind {
                end += 1
            }
            let run = Array(actions[index..<end])
            if let kind, run.count > 1 {
                try applyBatch(run, kind)
            } else {
                for action in run { try single.apply(action) }
            }
            index = end
        }
    }

    enum Kind { case experiments, variants, allocations }

    static func batchKind(_ action: PlannedAction) -> Kind? {
        switch (action.kind, action.address) {
        case (.create, .experiment): return .experiments
        case (.create, .variant): return .variants
        case (.update, .variant) where action.changes.count == 1 && action.changes[0].field == "allocation":
            return .allocations
        default: return nil
        }
    }

    private func applyBatch(_ actions: [PlannedAction], _ kind: Kind) throws {
        try connection.execute("SAVEPOINT expctl_batch")
        let inserted: Int?
        do {
            let statement =
                switch kind {
                case .experiments: experiments(actions)
                case .variants: variants(actions)
                case .allocations: allocations(actions)
                }
            inserted = try connection.execute(statement.sql, statement.parameters).affectedRows
        } catch {
            inserted = nil
        }
        if inserted == actions.count {
            try connection.execute("RELEASE SAVEPOINT expctl_batch")
            return
        }
        // Find the action that fails, and report it as a single statement would.
        try connection.execute("ROLLBACK TO SAVEPOINT expctl_batch")
        for action in actions { try single.apply(action) }
        try connection.execute("RELEASE SAVEPOINT expctl_batch")
    }

    private func experiments(_ actions: [PlannedAction]) -> PlanApplier.Statement {
        var columns = Array(repeating: [String?](), count: 9)
        for action in actions {
            guard case .experiment(let name) = action.address else { continue }
            let values: [String?] = [
                name, text(action.after("description")), text(action.after("unit_type")), text(action.after("status")),
                text(action.after("starts_at")), text(action.after("ends_at")), text(action.after("baseline")),
                action.source?.path ?? "",
                text(action.after("salt")),
            ]
            for (column, value) in values.enumerated() { columns[column].append(value) }
        }
        return PlanApplier.Statement(
            sql: """
                INSERT INTO exp.experiments
                    (name, description, unit_type, status, starts_at, ends_at, baseline_variant, source_path,
                     assignment_salt, source_commit)
                SELECT d.*, $10 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                                            $6::timestamptz[], $7::text[], $8::text[], $9::text[]) AS d
                """,
            parameters: columns.map { .text(PostgresArray.literal($0)) } + [.text(single.commit)])
    }

    private func variants(_ actions: [PlannedAction]) -> PlanApplier.Statement {
        var columns = Array(repeating: [String?](), count: 8)
        for action in actions {
            guard case .variant(let experiment, let name) = action.address else { continue }
            let reference = action.after("policy_version").flatMap { value -> PolicyVersionRef? in
                guard case .string(let text) = value else { return nil }
                return PolicyVersionRef(parsing: text)
            }
            let values: [String?] = [
                experiment, name, text(action.after("allocation")), reference?.policy,
                reference.map { String($0.version) },
                (action.after("params") ?? .object([:])).canonicalText, action.source?.path ?? "",
                text(action.after("position")),
            ]
            for (column, value) in values.enumerated() { columns[column].append(value) }
        }
        return PlanApplier.Statement(
            sql: """
                INSERT INTO exp.variants (experiment_id, name, allocation, policy_version_id, config, source_path, position, source_commit)
                SELECT e.id, d.name, d.allocation, pv.id, jsonb_build_object('policy_version_id', pv.id::text, 'params', d.params),
                       d.path, d.position, $9
                FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[], $5::integer[], $6::jsonb[], $7::text[], $8::integer[])
                     AS d(experiment, name, allocation, policy, version, params, path, position)
                JOIN exp.experiments e ON e.name = d.experiment
                JOIN exp.policies p ON p.name = d.policy
                JOIN exp.policy_versions pv
                  ON pv.policy_id = p.id AND pv.version = d.version AND pv.mlflow_model_version IS NOT NULL
                """,
            parameters: columns.map { .text(PostgresArray.literal($0)) } + [.text(single.commit)])
    }

    /// Allocation changes, matched by experiment and variant name. Unlike `updateVariant`, the
    /// config is left as it is: a plan that changes only allocations found it in line (a
    /// drifted config is a `policy_version` or `params` change, never batched here).
    private func allocations(_ actions: [PlannedAction]) -> PlanApplier.Statement {
        var columns = Array(repeating: [String?](), count: 4)
        for action in actions {
            guard case .variant(let experiment, let name) = action.address else { continue }
            let values: [String?] = [experiment, name, text(action.after("allocation")), action.source?.path]
            for (column, value) in values.enumerated() { columns[column].append(value) }
        }
        return PlanApplier.Statement(
            sql: """
                UPDATE exp.variants v
                SET allocation = d.allocation, updated_at = now(), source_commit = $5, source_path = coalesce(d.path, v.source_path)
                FROM unnest($1::text[], $2::text[], $3::numeric[], $4::text[]) AS d(experiment, name, allocation, path)
                JOIN exp.experiments e ON e.name = d.experiment
                WHERE v.experiment_id = e.id AND v.name = d.name
                """,
            parameters: columns.map { .text(PostgresArray.literal($0)) } + [.text(single.commit)])
    }

    private func text(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: nil
        case .string(let text)?: text
        case let other?: other.canonicalText
        }
    }
}

/// PostgreSQL's text form of a one-dimensional array: every element quoted, `"` and `\`
/// escaped, NULL bare.
enum PostgresArray {
    static func literal(_ values: [String?]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            guard let value else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { text += "\\" }
                text.unicodeScalars.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
