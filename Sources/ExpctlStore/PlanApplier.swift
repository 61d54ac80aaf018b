import ExpctlModel
import ExpctlPlan
import ExpctlPostgres

/// Carries out a plan's database actions as SQL, one statement per action, in plan order. The
/// caller wraps the whole in one transaction. Values come from the plan itself (the `after` of
/// each change), so a saved plan is applied exactly as it was shown.
struct PlanApplier {
    let connection: PostgresConnection
    let commit: String

    func apply(_ action: PlannedAction) throws {
        let statement: Statement
        switch (action.kind, action.address) {
        case (.create, .policy(let name)): statement = createPolicy(name, action)
        case (.update, .policy(let name)):
            statement = try update(
                "exp.policies", where: "name = $1", [.text(name)], action,
                columns: ["description": "description", "source_path": "source_path"])
        case (.create, .policyVersion(let reference)): statement = try createPolicyVersion(reference, action)
        case (.update, .policyVersion(let reference)): statement = try fillInPolicyVersion(reference, action)
        case (.create, .experiment(let name)): statement = createExperiment(name, action)
        case (.update, .experiment(let name)):
            statement = try update(
                "exp.experiments", where: "name = $1", [.text(name)], action,
                columns: [
                    "description": "description", "status": "status", "starts_at": "starts_at", "ends_at": "ends_at",
                    "baseline": "baseline_variant", "salt": "assignment_salt", "source_path": "source_path",
                ])
        case (.retire, .experiment(let name)):
            statement = Statement(
                sql:
                    "UPDATE exp.experiments SET status = 'completed', archived_at = now(), updated_at = now(), source_commit = $2 WHERE name = $1",
                parameters: [.text(name), .text(commit)])
        case (.create, .variant(let experiment, let name)): statement = createVariant(experiment, name, action)
        case (.update, .variant(let experiment, let name)): statement = try updateVariant(experiment, name, action)
        case (.retire, .variant(let experiment, let name)):
            statement = Statement(
                sql: """
                    UPDATE exp.variants SET allocation = 0, retired_at = now(), updated_at = now(), source_commit = $3
                    WHERE experiment_id = (SELECT id FROM exp.experiments WHERE name = $1) AND name = $2
                    """,
                parameters: [.text(experiment), .text(name), .text(commit)])
        default:
            throw StoreError.actionFailed(action: action.id, cause: .unsupported)
        }
        let result: PostgresResult
        do {
            result = try connection.execute(statement.sql, statement.parameters)
        } catch {
            throw StoreError.actionFailed(action: action.id, cause: .postgres(error))
        }
        guard result.affectedRows == 1 else {
            throw StoreError.actionFailed(action: action.id, cause: .unexpectedRowCount(result.affectedRows))
        }
    }

    struct Statement {
        var sql: String
        var parameters: [PostgresValue]
    }

    private func createPolicy(_ name: String, _ action: PlannedAction) -> Statement {
        Statement(
            sql: "INSERT INTO exp.policies (name, description, source_commit, source_path) VALUES ($1, $2, $3, $4)",
            parameters: [.text(name), text(action.after("description")), .text(commit), source(action)])
    }

    /// A version always names its model version: a trained one is written once its job
    /// registered it (the plan's readiness), never with a placeholder.
    private func createPolicyVersion(_ reference: PolicyVersionRef, _ action: PlannedAction) throws -> Statement {
        Statement(
            sql: """
                INSERT INTO exp.policy_versions
                    (policy_id, version, mlflow_model_name, mlflow_model_version, training_name, job_id, config_defaults,
                     source_commit, source_path)
                SELECT id, $2, $3, $4, $5, $6::uuid, $7::jsonb, $8, $9 FROM exp.policies WHERE name = $1
                """,
            parameters: [
                .text(reference.policy), .integer(Int64(reference.version)), text(action.after("mlflow_model_name")),
                try modelVersion(action), text(action.after("training")), text(action.after("job_id")),
                .json((action.after("config_defaults") ?? .object([:])).canonicalText), .text(commit), source(action),
            ])
    }

    /// Fills in the model version of a trained version written before expctl waited on jobs,
    /// from the job of that version's own training.
    private func fillInPolicyVersion(_ reference: PolicyVersionRef, _ action: PlannedAction) throws -> Statement {
        Statement(
            sql: """
                UPDATE exp.policy_versions pv SET mlflow_model_version = $3, job_id = $4::uuid, source_commit = $5
                FROM exp.policies p
                WHERE p.id = pv.policy_id AND p.name = $1 AND pv.version = $2 AND pv.mlflow_model_version IS NULL
                  AND pv.training_name = (SELECT name FROM exp.jobs WHERE id = $4::uuid AND kind = 'training')
                """,
            parameters: [
                .text(reference.policy), .integer(Int64(reference.version)), try modelVersion(action),
                text(action.after("job_id")), .text(commit),
            ])
    }

    private func modelVersion(_ action: PlannedAction) throws -> PostgresValue {
        guard case .string(let number)? = action.after("mlflow_model_version"), !number.hasPrefix("(") else {
            throw StoreError.actionFailed(
                action: action.id, cause: .malformed("it has no mlflow_model_version to write"))
        }
        return .text(number)
    }

    private func createExperiment(_ name: String, _ action: PlannedAction) -> Statement {
        Statement(
            sql: """
                INSERT INTO exp.experiments
                    (name, description, unit_type, status, starts_at, ends_at, baseline_variant, source_commit, source_path,
                     assignment_salt)
                VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7, $8, $9, $10)
                """,
            parameters: [
                .text(name), text(action.after("description")), text(action.after("unit_type")),
                text(action.after("status")),
                text(action.after("starts_at")), text(action.after("ends_at")), text(action.after("baseline")),
                .text(commit),
                source(action), text(action.after("salt")),
            ])
    }

    /// The id of a policy version that names its model version, from the placeholders (`$4`)
    /// of its policy name and number; NULL for one that names none (written before schema
    /// version 4), so that no variant is pointed at a model that does not exist.
    static func policyVersionID(_ policy: String, _ version: String) -> String {
        "(SELECT pv.id FROM exp.policy_versions pv JOIN exp.policies p ON p.id = pv.policy_id "
            + "WHERE p.name = \(policy) AND pv.version = \(version) AND pv.mlflow_model_version IS NOT NULL)"
    }

    private func createVariant(_ experiment: String, _ name: String, _ action: PlannedAction) -> Statement {
        let reference = action.after("policy_version").flatMap(policyVersion)
        let versionID = Self.policyVersionID("$4", "$5")
        return Statement(
            sql: """
                INSERT INTO exp.variants (experiment_id, name, allocation, policy_version_id, config, position, source_commit, source_path)
                SELECT e.id, $2, $3::numeric, \(versionID),
                       jsonb_build_object('policy_version_id', \(versionID)::text, 'params', $6::jsonb), $9::integer, $7, $8
                FROM exp.experiments e WHERE e.name = $1 AND \(versionID) IS NOT NULL
                """,
            parameters: [
                .text(experiment), .text(name), text(action.after("allocation")),
                reference.map { .text($0.policy) } ?? .null,
                reference.map { .integer(Int64($0.version)) } ?? .null,
                .json((action.after("params") ?? .object([:])).canonicalText), .text(commit), source(action),
                text(action.after("position")),
            ])
    }

    private func updateVariant(_ experiment: String, _ name: String, _ action: PlannedAction) throws -> Statement {
        var assignments = ["updated_at = now()", "source_commit = $3"]
        var parameters: [PostgresValue] = [.text(experiment), .text(name), .text(commit)]
        func parameter(_ value: PostgresValue) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let allocation = action.change("allocation") {
            assignments.append("allocation = \(parameter(text(allocation.after)))::numeric")
        }
        if let position = action.change("position") {
            assignments.append("position = \(parameter(text(position.after)))::integer")
        }
        var versionID = "policy_version_id"
        var condition = ""
        if let change = action.change("policy_version") {
            guard let reference = change.after.flatMap(policyVersion) else {
                throw StoreError.actionFailed(
                    action: action.id, cause: .malformed("the new policy_version is not policy@version"))
            }
            let policy = parameter(.text(reference.policy))
            let version = parameter(.integer(Int64(reference.version)))
            versionID = Self.policyVersionID(policy, version)
            assignments.append("policy_version_id = \(versionID)")
            // A missing version matches no row (and fails the action) instead of unlinking it.
            condition = " AND \(versionID) IS NOT NULL"
        }
        let params =
            action.change("params").map { "\(parameter(.json(($0.after ?? .object([:])).canonicalText)))::jsonb" }
            ?? "config->'params'"
        assignments.append("config = jsonb_build_object('policy_version_id', \(versionID)::text, 'params', \(params))")
        if action.change("retired_at") != nil { assignments.append("retired_at = NULL") }
        if let path = action.source?.path { assignments.append("source_path = \(parameter(.text(path)))") }
        return Statement(
            sql:
                "UPDATE exp.variants SET \(assignments.joined(separator: ", ")) WHERE experiment_id = (SELECT id FROM exp.experiments WHERE name = $1) AND name = $2\(condition)",
            parameters: parameters)
    }

    /// An UPDATE of the changed fields that map to `columns` (field name to column name).
    private func update(
        _ table: String, where condition: String, _ keys: [PostgresValue], _ action: PlannedAction,
        columns: [String: String]
    ) throws -> Statement {
        var parameters = keys + [.text(commit)]
        var assignments = ["updated_at = now()", "source_commit = $\(parameters.count)"]
        for change in action.changes {
            guard let column = columns[change.field] else {
                throw StoreError.actionFailed(
                    action: action.id, cause: .malformed("this version of expctl has no column for \(change.field)"))
            }
            parameters.append(text(change.after))
            let cast = column.hasSuffix("_at") ? "::timestamptz" : ""
            assignments.append("\(column) = $\(parameters.count)\(cast)")
        }
        return Statement(
            sql: "UPDATE \(table) SET \(assignments.joined(separator: ", ")) WHERE \(condition)", parameters: parameters
        )
    }

    private func text(_ value: JSONValue?) -> PostgresValue {
        switch value {
        case nil, .null?: .null
        case .string(let text)?: .text(text)
        case let other?: .text(other.canonicalText)
        }
    }

    private func source(_ action: PlannedAction) -> PostgresValue { action.source.map { .text($0.path) } ?? .text("") }

    private func policyVersion(_ value: JSONValue) -> PolicyVersionRef? {
        guard case .string(let text) = value else { return nil }
        return PolicyVersionRef(parsing: text)
    }
}
