/// The `exp` schema of the source documents (onboarding spec section 4, the training and
/// evaluation workflow), with keys and constraints, and expctl's own bookkeeping.
///
/// Every managed row records the commit and file it was last written from
/// (`source_commit`, `source_path`). Rows that assignments and events reference are never
/// deleted: variants are retired (`retired_at`), experiments archived (`archived_at`).
enum SchemaV1 {
    /// Statements end with `;` at the end of a line (see `Migration.statements`).
    static let sql = """
        -- The schema itself is created by the migrator, with its bookkeeping table.


        CREATE TABLE exp.policies (
            id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name           text NOT NULL UNIQUE,
            description    text,
            source_commit  text NOT NULL,
            source_path    text NOT NULL,
            created_at     timestamptz NOT NULL DEFAULT now(),
            updated_at     timestamptz NOT NULL DEFAULT now()
        );

        -- Immutable once written, but for mlflow_model_version, which a training fills in.
        CREATE TABLE exp.policy_versions (
            id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            policy_id             uuid NOT NULL REFERENCES exp.policies (id),
            version               integer NOT NULL CHECK (version >= 1),
            mlflow_model_name     text NOT NULL,
            mlflow_model_version  text CHECK (mlflow_model_version ~ '^[1-9][0-9]*$'),
            training_name         text,
            config_defaults       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config_defaults) = 'object'),
            source_commit         text NOT NULL,
            source_path           text NOT NULL,
            created_at            timestamptz NOT NULL DEFAULT now(),
            UNIQUE (policy_id, version),
            CHECK (mlflow_model_version IS NOT NULL OR training_name IS NOT NULL)
        );

        CREATE TABLE exp.experiments (
            id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name              text NOT NULL UNIQUE,
            description       text,
            unit_type         text NOT NULL CHECK (unit_type IN ('user', 'household')),
            status            text NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'completed')),
            starts_at         timestamptz,
            ends_at           timestamptz,
            baseline_variant  text,
            archived_at       timestamptz,
            source_commit     text NOT NULL,
            source_path       text NOT NULL,
            created_at        timestamptz NOT NULL DEFAULT now(),
            updated_at        timestamptz NOT NULL DEFAULT now(),
            CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
            CHECK (archived_at IS NULL OR status = 'completed')
        );

        -- config is what the assignment service hands out:
        -- {"policy_version_id": "<uuid>", "params": {...}}.
        CREATE TABLE exp.variants (
            id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            experiment_id      uuid NOT NULL REFERENCES exp.experiments (id),
            name               text NOT NULL,
            allocation         numeric(5, 4) NOT NULL CHECK (allocation >= 0 AND allocation <= 1),
            policy_version_id  uuid REFERENCES exp.policy_versions (id),
            config             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
            retired_at         timestamptz,
            source_commit      text NOT NULL,
            source_path        text NOT NULL,
            created_at         timestamptz NOT NULL DEFAULT now(),
            updated_at         timestamptz NOT NULL DEFAULT now(),
            UNIQUE (experiment_id, name),
            CHECK (retired_at IS NULL OR allocation = 0)
        );

        -- One assignment per unit and experiment, persisted by the assignment service.
        CREATE TABLE exp.assignments (
            experiment_id  uuid NOT NULL REFERENCES exp.experiments (id),
            unit_id        text NOT NULL,
            unit_type      text NOT NULL CHECK (unit_type IN ('user', 'household')),
            variant_id     uuid NOT NULL REFERENCES exp.variants (id),
            bucket         integer NOT NULL CHECK (bucket >= 0 AND bucket < 10000),
            assigned_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (experiment_id, unit_id)
        );
        CREATE INDEX assignments_variant ON exp.assignments (variant_id);

        -- Atomic logs of in-product actions (plan_generated, plan_accepted, ...).
        CREATE TABLE exp.events (
            id                 bigserial PRIMARY KEY,
            event_type         text NOT NULL,
            unit_type          text NOT NULL,
            unit_id            text NOT NULL,
            experiment_id      uuid REFERENCES exp.experiments (id),
            variant_id         uuid REFERENCES exp.variants (id),
            policy_version_id  uuid REFERENCES exp.policy_versions (id),
            context            jsonb NOT NULL DEFAULT '{}',
            metrics            jsonb NOT NULL DEFAULT '{}',
            payload            jsonb NOT NULL DEFAULT '{}',
            occurred_at        timestamptz NOT NULL,
            received_at        timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX events_type_time ON exp.events (event_type, occurred_at);
        CREATE INDEX events_experiment ON exp.events (experiment_id, variant_id, occurred_at);

        -- Per experiment, variant, metric and time bucket: what sequential tests need.
        CREATE TABLE exp.metric_aggregates (
            experiment_id  uuid NOT NULL REFERENCES exp.experiments (id),
            variant_id     uuid NOT NULL REFERENCES exp.variants (id),
            metric_name    text NOT NULL,
            bucket_start   timestamptz NOT NULL,
            bucket_width   interval NOT NULL,
            count          bigint NOT NULL CHECK (count >= 0),
            sum            double precision NOT NULL,
            mean           double precision NOT NULL,
            variance       double precision NOT NULL CHECK (variance >= 0),
            updated_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (experiment_id, variant_id, metric_name, bucket_start, bucket_width)
        );

        CREATE TABLE exp.offline_replay_results (
            id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            mlflow_model_name     text NOT NULL,
            mlflow_model_version  text NOT NULL,
            policy_version_id     uuid REFERENCES exp.policy_versions (id),
            dataset_version       text NOT NULL,
            mlflow_run_id         text,
            metrics               jsonb NOT NULL,
            offline_eval_score    double precision NOT NULL,
            created_at            timestamptz NOT NULL DEFAULT now()
        );

        -- The Metabase view of the onboarding spec (section 12.2).
        CREATE VIEW exp.v_experiment_metrics AS
        SELECT
            e.name AS experiment_name,
            v.name AS variant_name,
            m.metric_name,
            m.mean,
            m.bucket_start
        FROM exp.metric_aggregates m
        JOIN exp.variants v ON v.id = m.variant_id
        JOIN exp.experiments e ON e.id = m.experiment_id;

        -- Each plan applied: from which commit, what it did, how it went.
        CREATE TABLE exp.reconcile_runs (
            id            bigserial PRIMARY KEY,
            commit_sha    text NOT NULL,
            ref           text,
            plan_digest   text NOT NULL,
            actions       jsonb NOT NULL,
            outcome       text NOT NULL CHECK (outcome IN ('applied', 'no_changes', 'failed', 'refused')),
            error         text,
            started_at    timestamptz NOT NULL,
            finished_at   timestamptz NOT NULL,
            applied_by    text NOT NULL DEFAULT current_user
        );
        """
}
