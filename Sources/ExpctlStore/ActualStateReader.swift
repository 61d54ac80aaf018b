import ExpctlModel
import ExpctlPlan
import ExpctlPostgres

/// Reads the managed rows of the `exp` schema as the database part of the planner's observed
/// state (`ActualState`).
///
/// Timestamps are read as RFC 3339 text in UTC, allocations as numeric text turned into
/// buckets, JSON as text parsed into `JSONValue`: no floating-point or time-zone round trip.
enum ActualStateReader {
    static let timestampFormat = #"'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"#

    static func read(_ connection: PostgresConnection) throws -> ActualState {
        var state = ActualState()
        var policyByID: [String: String] = [:]
        let policies = try connection.execute(
            "SELECT id::text, name, description, source_commit, source_path FROM exp.policies")
        for row in policies.rows.indices {
            let name = try required(policies, row, "name", "exp.policies")
            let id = try required(policies, row, "id", "exp.policies")
            policyByID[id] = name
            state.policies[name] = ActualPolicy(
                id: id, name: name, description: policies.string(row, "description"),
                provenance: provenance(policies, row))
        }
        var versionByID: [String: PolicyVersionRef] = [:]
        let versions = try connection.execute(
            """
            SELECT id::text, policy_id::text, version, mlflow_model_name, mlflow_model_version, training_name, job_id::text,
                   config_defaults::text AS config_defaults
            FROM exp.policy_versions
            """)
        for row in versions.rows.indices {
            let id = try required(versions, row, "id", "exp.policy_versions")
            guard let policy = policyByID[try required(versions, row, "policy_id", "exp.policy_versions")],
                let number = versions.int(row, "version").map(Int.init)
            else {
                throw StoreError.corruptRow(table: "exp.policy_versions", detail: "row \(id) has no policy or version")
            }
            versionByID[id] = PolicyVersionRef(policy: policy, version: number)
            state.policies[policy]?.versions[number] = ActualPolicyVersion(
                id: id, version: number,
                mlflowModelName: try required(versions, row, "mlflow_model_name", "exp.policy_versions"),
                mlflowModelVersion: versions.string(row, "mlflow_model_version"),
                trainingName: versions.string(row, "training_name"),
                jobID: versions.string(row, "job_id"),
                configDefaults: try object(
                    versions.string(row, "config_defaults"), "exp.policy_versions.config_defaults"))
        }
        var experimentByID: [String: String] = [:]
        let experiments = try connection.execute(
            """
            SELECT id::text, name, description, unit_type, status, baseline_variant, assignment_salt, source_commit,
                   source_path,
                   to_char(starts_at AT TIME ZONE 'UTC', \(timestampFormat)) AS starts_at,
                   to_char(ends_at AT TIME ZONE 'UTC', \(timestampFormat)) AS ends_at,
                   to_char(archived_at AT TIME ZONE 'UTC', \(timestampFormat)) AS archived_at
            FROM exp.experiments
            """)
        for row in experiments.rows.indices {
            let id = try required(experiments, row, "id", "exp.experiments")
            let name = try required(experiments, row, "name", "exp.experiments")
            guard let unitType = UnitType(rawValue: try required(experiments, row, "unit_type", "exp.experiments")),
                let status = ExperimentStatus(rawValue: try required(experiments, row, "status", "exp.experiments"))
            else {
                throw StoreError.corruptRow(
                    table: "exp.experiments", detail: "row \(id) has an unknown unit_type or status")
            }
            experimentByID[id] = name
            state.experiments[name] = ActualExperiment(
                id: id, name: name, description: experiments.string(row, "description"), unitType: unitType,
                status: status,
                startsAt: timestamp(experiments.string(row, "starts_at")),
                endsAt: timestamp(experiments.string(row, "ends_at")),
                baseline: experiments.string(row, "baseline_variant"), salt: experiments.string(row, "assignment_salt"),
                archivedAt: timestamp(experiments.string(row, "archived_at")),
                provenance: provenance(experiments, row))
        }
        let variants = try connection.execute(
            """
            SELECT id::text, experiment_id::text, name, allocation::text AS allocation, policy_version_id::text, position,
                   config->>'policy_version_id' AS config_policy_version_id, config->'params' AS params, to_char(retired_at AT TIME ZONE 'UTC', \(timestampFormat)) AS retired_at
            FROM exp.variants
            """)
        for row in variants.rows.indices {
            let id = try required(variants, row, "id", "exp.variants")
            guard let experiment = experimentByID[try required(variants, row, "experiment_id", "exp.variants")],
                let allocation = buckets(variants.string(row, "allocation"))
            else {
                throw StoreError.corruptRow(table: "exp.variants", detail: "row \(id) has no experiment or allocation")
            }
            let name = try required(variants, row, "name", "exp.variants")
            state.experiments[experiment]?.variants[name] = ActualVariant(
                id: id, name: name, allocation: allocation,
                policyVersion: linkedPolicyVersion(variants, row, versionByID),
                params: try object(variants.string(row, "params"), "exp.variants.config"),
                position: variants.int(row, "position").map(Int.init),
                retiredAt: timestamp(variants.string(row, "retired_at")))
        }
        return state
    }

    /// The variant's policy version, or nil when the config the assignment service hands out
    /// points elsewhere than the column (edited by hand): the planner then rewrites both.
    private static func linkedPolicyVersion(
        _ result: PostgresResult, _ row: Int, _ versions: [String: PolicyVersionRef]
    ) -> PolicyVersionRef? {
        guard let id = result.string(row, "policy_version_id"), result.string(row, "config_policy_version_id") == id
        else { return nil }
        return versions[id]
    }

    private static func required(_ result: PostgresResult, _ row: Int, _ column: String, _ table: String) throws
        -> String
    {
        guard let value = result.string(row, column) else {
            throw StoreError.corruptRow(table: table, detail: "\(column) is NULL in row \(row)")
        }
        return value
    }

    private static func provenance(_ result: PostgresResult, _ row: Int) -> Provenance? {
        guard let commit = result.string(row, "source_commit"), let path = result.string(row, "source_path") else {
            return nil
        }
        return Provenance(commit: commit, path: path)
    }

    private static func timestamp(_ text: String?) -> Timestamp? { text.flatMap { Timestamp(rfc3339: $0) } }

    /// `numeric(5,4)` text such as `0.9000` or `1.0000` as whole buckets, exactly.
    static func buckets(_ text: String?) -> Allocation? {
        guard let text else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 4, fraction.allSatisfy(\.isNumber) else { return nil }
        fraction += String(repeating: "0", count: 4 - fraction.count)
        return Int(fraction).map { Allocation(buckets: whole * Allocation.bucketCount + $0) }
    }

    private static func object(_ text: String?, _ column: String) throws -> [String: JSONValue] {
        guard let text else { return [:] }
        guard case .object(let members)? = JSONValue(parsing: text) else {
            throw StoreError.corruptRow(table: column, detail: "not a JSON object: \(text.prefix(80))")
        }
        return members
    }
}
