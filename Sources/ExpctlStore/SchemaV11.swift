/// Version 11 of the `exp` schema: events at scale.
///
/// - `exp.events` is partitioned by `occurred_at`, one partition a day (UTC) named
///   `events_YYYYMMDD`, and a default partition for any event outside them, so that an insert
///   never fails for want of a partition. `exp.ensure_event_partitions(first, days)` creates
///   missing days, moving what the default partition holds of each; the aggregation job calls
///   it ahead of time. An old day is detached with `expctl aggregate --detach-before`. The
///   primary key includes the partition key, as PostgreSQL requires.
/// - `exp.event_experiments` no longer references `exp.events` (no foreign key can reference a
///   partitioned table's `id` alone): detaching a day deletes its rows there.
/// - `exp.unit_metrics`: per experiment and unit, the online gate's per-unit sums (exact,
///   `numeric`), maintained incrementally from `exp.unit_metrics_watermark` (the last event id
///   folded in), so that a gate pass reads the units and the events since the watermark, not the
///   whole table. Half-full pages (`fillfactor`), so that folding updates a unit in place (HOT).
///   The events copied here are folded in here, so the first pass after it reads none.
///
/// Foreign keys of a partitioned table cannot be `NOT VALID`: the copied rows are checked.
enum SchemaV11 {
    static let sql = """
        ALTER TABLE exp.events RENAME TO events_before_partitioning;
        ALTER TABLE exp.event_experiments DROP CONSTRAINT event_experiments_event_id_fkey;
        ALTER INDEX exp.events_pkey RENAME TO events_before_partitioning_pkey;
        ALTER INDEX exp.events_aggregation RENAME TO events_before_partitioning_aggregation;
        ALTER INDEX exp.events_client_event_id RENAME TO events_before_partitioning_client_event_id;
        ALTER INDEX exp.events_experiment RENAME TO events_before_partitioning_experiment;
        ALTER INDEX exp.events_type_time RENAME TO events_before_partitioning_type_time;
        CREATE TABLE exp.events (
            id                 bigint NOT NULL DEFAULT nextval('exp.events_id_seq'),
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
            received_at        timestamptz NOT NULL DEFAULT now(),
            client_event_id    text CHECK (client_event_id IS NULL OR length(client_event_id) BETWEEN 1 AND 200),
            PRIMARY KEY (id, occurred_at),
            CONSTRAINT events_variant_of_experiment
                FOREIGN KEY (experiment_id, variant_id) REFERENCES exp.variants (experiment_id, id),
            CONSTRAINT events_variant_needs_experiment CHECK (variant_id IS NULL OR experiment_id IS NOT NULL)
        ) PARTITION BY RANGE (occurred_at);
        ALTER SEQUENCE exp.events_id_seq OWNED BY exp.events.id;
        CREATE TABLE exp.events_default PARTITION OF exp.events DEFAULT;
        CREATE INDEX events_type_time ON exp.events (event_type, occurred_at);
        CREATE INDEX events_experiment ON exp.events (experiment_id, variant_id, occurred_at);
        CREATE INDEX events_aggregation ON exp.events (occurred_at) WHERE variant_id IS NOT NULL;
        CREATE UNIQUE INDEX events_client_event_id ON exp.events (client_event_id, occurred_at);
        COMMENT ON TABLE exp.events IS 'atomic logs of in-product actions, partitioned by day of occurred_at (UTC)';
        CREATE FUNCTION exp.ensure_event_partitions(first_day date, days integer) RETURNS integer
        LANGUAGE plpgsql AS $fn$
        DECLARE
            day date; name text; low timestamptz; high timestamptz; created integer := 0; \
        BEGIN
            FOR i IN 0 .. days - 1 LOOP
                day := first_day + i; \
                name := 'events_' || to_char(day, 'YYYYMMDD'); \
                CONTINUE WHEN to_regclass('exp.' || name) IS NOT NULL; \
                low := day::timestamp AT TIME ZONE 'UTC'; \
                high := (day + 1)::timestamp AT TIME ZONE 'UTC'; \
                EXECUTE format('CREATE TABLE exp.%I (LIKE exp.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name); \
                EXECUTE format('ALTER TABLE exp.%I ADD CONSTRAINT %I CHECK (occurred_at >= %L AND occurred_at < %L)',
                               name, name || '_day', low, high); \
                EXECUTE format('WITH moved AS (DELETE FROM exp.events_default WHERE occurred_at >= %L AND occurred_at < %L '
                               'RETURNING *) INSERT INTO exp.%I SELECT * FROM moved', low, high, name); \
                EXECUTE format('ALTER TABLE exp.events ATTACH PARTITION exp.%I FOR VALUES FROM (%L) TO (%L)',
                               name, low, high); \
                created := created + 1; \
            END LOOP; \
            RETURN created; \
        END
        $fn$;
        COMMENT ON FUNCTION exp.ensure_event_partitions(date, integer) IS 'creates the missing day partitions of '
            'exp.events from first_day on, moving their rows out of the default partition; returns how many';
        SELECT exp.ensure_event_partitions(day, 1)
        FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS day FROM exp.events_before_partitioning) d;
        SELECT exp.ensure_event_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9);
        INSERT INTO exp.events SELECT * FROM exp.events_before_partitioning;
        DROP TABLE exp.events_before_partitioning;
        CREATE TABLE exp.unit_metrics (
            experiment_id  uuid NOT NULL REFERENCES exp.experiments (id),
            unit_id        text NOT NULL,
            generated      bigint NOT NULL DEFAULT 0,
            accepted       bigint NOT NULL DEFAULT 0,
            edits          numeric NOT NULL DEFAULT 0,
            interventions  numeric NOT NULL DEFAULT 0,
            latency        numeric NOT NULL DEFAULT 0,
            cost           numeric NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment_id, unit_id)
        ) WITH (fillfactor = 50);
        COMMENT ON TABLE exp.unit_metrics IS 'per experiment and unit, the online gate''s sums over the events up to '
            'exp.unit_metrics_watermark: plans generated and accepted, edits, validator interventions, latency, cost';
        CREATE TABLE exp.unit_metrics_watermark (
            singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            event_id    bigint NOT NULL CHECK (event_id >= 0),
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        INSERT INTO exp.unit_metrics_watermark (event_id)
        SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM exp.events_id_seq;
        INSERT INTO exp.unit_metrics (experiment_id, unit_id, generated, accepted, edits, interventions, latency, cost)
        SELECT experiment_id, unit_id, sum(generated), sum(accepted), sum(edits), sum(interventions), sum(latency),
               sum(cost)
        FROM (\(UnitMetrics.eventValues(where: "e.id <= (SELECT event_id FROM exp.unit_metrics_watermark)"))) copied
        GROUP BY experiment_id, unit_id;
        """
}
