/// Version 4 of the `exp` schema: the job ledger, policy versions that always name a model
/// version, and variants in their declared order.
///
/// - `exp.jobs` records every job git asked for, keyed by its kind, name and the digest of its
///   inputs: planning a training inserts it `pending`, a runner claims it with a lease that it
///   renews by heartbeat, and it ends `succeeded` (with its result: the model version it
///   registered, a version number the database checks), `failed` (with the error) or
///   `cancelled`. One job per inputs that is not
///   cancelled, so the same inputs never run twice.
/// - A policy version from a training is written once its job registered the model version,
///   and names that job (`job_id`). New rows must have `mlflow_model_version` (the constraint
///   is `NOT VALID` so that rows written before version 4 without one do not stop the
///   migration; the planner fills them in once their job has run).
/// - `exp.variants.position` is the variant's place in git's list: assignment walks variants in
///   that order. Rows written before version 4 get the order they were created in.
enum SchemaV4 {
    static let sql = """
        CREATE TABLE exp.jobs (
            id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            kind              text NOT NULL CHECK (kind IN ('training')),
            name              text NOT NULL,
            inputs_digest     text NOT NULL CHECK (inputs_digest ~ '^[0-9a-f]{64}$'),
            inputs            jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'object'),
            state             text NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
            attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            lease_owner       text,
            lease_expires_at  timestamptz,
            heartbeat_at      timestamptz,
            result            jsonb CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
            error             text,
            source_commit     text NOT NULL,
            source_path       text NOT NULL,
            created_at        timestamptz NOT NULL DEFAULT now(),
            updated_at        timestamptz NOT NULL DEFAULT now(),
            started_at        timestamptz,
            finished_at       timestamptz,
            CHECK ((state = 'running') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL)),
            CHECK (state <> 'succeeded' OR result IS NOT NULL),
            CHECK (kind <> 'training' OR state <> 'succeeded' OR result->>'model_version' ~ '^[1-9][0-9]*$'),
            CHECK (state <> 'failed' OR error IS NOT NULL),
            CHECK ((state IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
        );
        CREATE UNIQUE INDEX jobs_one_per_inputs ON exp.jobs (kind, name, inputs_digest) WHERE state <> 'cancelled';
        CREATE INDEX jobs_claimable ON exp.jobs (created_at) WHERE state = 'pending';
        COMMENT ON TABLE exp.jobs IS 'the job ledger: every job git asked for, by kind, name and inputs digest';
        COMMENT ON COLUMN exp.jobs.result IS 'what the job produced; a training: {"model_name", "model_version", "run_id"}';

        ALTER TABLE exp.policy_versions ADD COLUMN job_id uuid REFERENCES exp.jobs (id);
        ALTER TABLE exp.policy_versions ADD CONSTRAINT policy_versions_model_version_known
            CHECK (mlflow_model_version IS NOT NULL) NOT VALID;
        COMMENT ON COLUMN exp.policy_versions.job_id IS 'the job that registered mlflow_model_version, for a trained version';

        ALTER TABLE exp.variants ADD COLUMN position integer CHECK (position >= 0);
        UPDATE exp.variants v SET position = o.position
        FROM (SELECT id, row_number() OVER (PARTITION BY experiment_id ORDER BY created_at, name) - 1 AS position
              FROM exp.variants) AS o
        WHERE o.id = v.id;
        ALTER TABLE exp.variants ALTER COLUMN position SET NOT NULL;
        COMMENT ON COLUMN exp.variants.position IS 'the variant''s place in git''s list: assignment walks variants in this order';
        """
}
