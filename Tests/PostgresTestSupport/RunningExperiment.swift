public import ExpctlPostgres

/// A running experiment written straight into a migrated `exp` schema, as apply would leave
/// it: a policy with one version per variant, the experiment, and its variants in order.
public struct RunningExperiment {
    public var name: String
    /// (variant, allocation) in declared order; the first is the baseline.
    public var variants: [(name: String, allocation: String)]
    public var unitType: String
    public var salt: String?

    public init(
        _ name: String = "planner_policy_exp",
        variants: [(name: String, allocation: String)] = [("control", "0.5"), ("candidate", "0.5")],
        unitType: String = "user", salt: String? = nil
    ) {
        self.name = name
        self.variants = variants
        self.unitType = unitType
        self.salt = salt
    }

    /// Inserts the rows; returns the experiment's id.
    @discardableResult
    public func insert(_ connection: PostgresConnection) throws -> String {
        let policy = try connection.execute(
            """
            INSERT INTO exp.policies (name, source_commit, source_path) VALUES ($1, 'c0ffee', 'policies.yaml')
            ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id
            """, [.text("\(name)_policy")]
        ).string(0, "id")!
        let experiment = try connection.execute(
            """
            INSERT INTO exp.experiments (name, unit_type, status, baseline_variant, assignment_salt, source_commit,
                                         source_path)
            VALUES ($1, $2, 'running', $3, $4, 'c0ffee', 'experiments.yaml') RETURNING id
            """, [.text(name), .text(unitType), .text(variants[0].name), salt.map(PostgresValue.text) ?? .null]
        ).string(0, "id")!
        for (position, variant) in variants.enumerated() {
            let version = try connection.execute(
                """
                INSERT INTO exp.policy_versions (policy_id, version, mlflow_model_name, mlflow_model_version,
                                                 source_commit, source_path)
                VALUES ($1, $2, 'planner_model', $3, 'c0ffee', 'policies.yaml') RETURNING id
                """, [.text(policy), .integer(Int64(position + 1)), .text(String(position + 1))]
            ).string(0, "id")!
            try connection.execute(
                """
                INSERT INTO exp.variants (experiment_id, name, allocation, position, policy_version_id, source_commit,
                                          source_path)
                VALUES ($1, $2, $3::numeric, $4, $5, 'c0ffee', 'experiments.yaml')
                """,
                [
                    .text(experiment), .text(variant.name), .text(variant.allocation), .integer(Int64(position)),
                    .text(version),
                ])
        }
        return experiment
    }

    /// Sets a variant's allocation as apply would (its `updated_at` moves: a new phase).
    public func allocate(_ variant: String, _ allocation: String, _ connection: PostgresConnection) throws {
        try connection.execute(
            """
            UPDATE exp.variants SET allocation = $3::numeric, updated_at = clock_timestamp()
            WHERE name = $2 AND experiment_id = (SELECT id FROM exp.experiments WHERE name = $1)
            """, [.text(name), .text(variant), .text(allocation)])
    }
}
