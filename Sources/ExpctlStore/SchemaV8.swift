/// Version 8 of the `exp` schema: what the metrics aggregation job reads and writes by, and the
/// Metabase views behind the dashboards of the onboarding spec (section 12; docs/metabase.md).
///
/// - `events_aggregation`: the events that name a variant, by time: the aggregation reads a
///   window of them, and finds the latest event (its default window) without a scan. Partial,
///   so that the domain events without an experiment do not pay for it. Created without
///   `CONCURRENTLY` (migrations run in a transaction): on a large `exp.events` the migration
///   holds off inserts while it builds.
/// - `metric_aggregates_window`: the aggregates of a window by width and bucket, which the job
///   replaces, and the latest daily bucket.
/// - The views read `exp.metric_aggregates` (never `exp.events`, so that a dashboard stays fast
///   however many events there are), the offline replays and the gate decisions. Aggregated
///   metrics are named as in the event (`latency_ms`, `cost_usd`, `validator_interventions`,
///   `edit_count`), and `events:<event_type>` counts the events of each type.
enum SchemaV8 {
    static let sql = """
        CREATE INDEX events_aggregation ON exp.events (occurred_at) WHERE variant_id IS NOT NULL;
        CREATE INDEX metric_aggregates_window ON exp.metric_aggregates (bucket_width, bucket_start);
        COMMENT ON COLUMN exp.metric_aggregates.variance IS 'population variance of the bucket''s values '
            '(divided by count); the sample variance is variance * count / (count - 1)';
        COMMENT ON COLUMN exp.metric_aggregates.metric_name IS 'a numeric key of exp.events.metrics, or '
            'events:<event_type>: one per event, so count is the number of events';

        -- Every aggregate with the names of its experiment, variant, policy and model version.
        CREATE VIEW exp.v_variant_metrics AS
        SELECT e.name AS experiment_name, v.name AS variant_name, v.name = e.baseline_variant AS is_baseline,
               p.name AS policy_name, pv.version AS policy_version, pv.mlflow_model_name, pv.mlflow_model_version,
               m.metric_name, m.bucket_start,
               CASE m.bucket_width WHEN interval '1 hour' THEN 'hour' WHEN interval '1 day' THEN 'day'
                   ELSE m.bucket_width::text END AS bucket_width,
               m.count, m.sum, m.mean, m.variance, sqrt(m.variance) AS stddev,
               m.experiment_id, m.variant_id, v.policy_version_id
        FROM exp.metric_aggregates m
        JOIN exp.experiments e ON e.id = m.experiment_id
        JOIN exp.variants v ON v.id = m.variant_id
        LEFT JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
        LEFT JOIN exp.policies p ON p.id = pv.policy_id;

        -- The online gate's five metrics per variant and day, as ratios of daily sums; a day with a
        -- numerator and no denominator (acceptances after midnight) keeps its numerator, value NULL.
        CREATE VIEW exp.v_variant_daily AS
        WITH days AS (
            SELECT m.experiment_id, m.variant_id, m.bucket_start AS day,
                   coalesce(sum(m.count) FILTER (WHERE m.metric_name = 'events:plan_generated'), 0)::float8
                       AS generated,
                   coalesce(sum(m.count) FILTER (WHERE m.metric_name = 'events:plan_accepted'), 0)::float8 AS accepted,
                   coalesce(sum(m.sum) FILTER (WHERE m.metric_name = 'edit_count'), 0) AS edits,
                   coalesce(sum(m.count) FILTER (WHERE m.metric_name = 'edit_count'), 0)::float8 AS edited,
                   coalesce(sum(m.sum) FILTER (WHERE m.metric_name = 'validator_interventions'), 0) AS interventions,
                   coalesce(sum(m.sum) FILTER (WHERE m.metric_name = 'latency_ms'), 0) AS latency,
                   coalesce(sum(m.count) FILTER (WHERE m.metric_name = 'latency_ms'), 0)::float8 AS timed,
                   coalesce(sum(m.sum) FILTER (WHERE m.metric_name = 'cost_usd'), 0) AS cost,
                   coalesce(sum(m.count) FILTER (WHERE m.metric_name = 'cost_usd'), 0)::float8 AS costed
            FROM exp.metric_aggregates m
            WHERE m.bucket_width = interval '1 day'
            GROUP BY m.experiment_id, m.variant_id, m.bucket_start
        )
        SELECT d.experiment_id, d.variant_id, d.day, x.metric_name, x.numerator, x.denominator,
               x.numerator / nullif(x.denominator, 0) AS value
        FROM days d
        CROSS JOIN LATERAL (VALUES
            ('plan_acceptance_rate', d.accepted, d.generated),
            ('edit_count', d.edits, d.edited),
            ('validator_intervention_rate', d.interventions, d.generated),
            ('latency_ms', d.latency, d.timed),
            ('cost_usd', d.cost, d.costed)
        ) AS x (metric_name, numerator, denominator)
        WHERE x.denominator > 0 OR x.numerator <> 0;

        -- Dashboard "Experiment overview": one row per experiment.
        CREATE VIEW exp.v_experiment_overview AS
        SELECT e.id AS experiment_id, e.name AS experiment_name, e.status, e.unit_type, e.baseline_variant,
               e.starts_at, e.ends_at, e.archived_at,
               (SELECT count(*) FROM exp.variants v WHERE v.experiment_id = e.id AND v.retired_at IS NULL)
                   AS live_variants,
               (SELECT count(*) FROM exp.assignments a WHERE a.experiment_id = e.id) AS units,
               t.plans_generated, t.plans_accepted,
               t.plans_accepted::float8 / nullif(t.plans_generated, 0) AS acceptance_rate,
               t.first_day, t.last_day,
               g.subject AS online_gate_subject, g.verdict AS online_gate_verdict,
               g.decided_at AS online_gate_decided_at
        FROM exp.experiments e
        LEFT JOIN LATERAL (
            SELECT sum(m.count) FILTER (WHERE m.metric_name = 'events:plan_generated') AS plans_generated,
                   sum(m.count) FILTER (WHERE m.metric_name = 'events:plan_accepted') AS plans_accepted,
                   min(m.bucket_start) AS first_day, max(m.bucket_start) AS last_day
            FROM exp.metric_aggregates m
            WHERE m.experiment_id = e.id AND m.bucket_width = interval '1 day'
        ) t ON true
        LEFT JOIN LATERAL (
            SELECT d.subject, d.verdict, d.decided_at FROM exp.gate_decisions d
            WHERE d.gate = 'online' AND (d.experiment_id = e.id OR left(d.subject, length(e.name) + 1) = e.name || '/')
            ORDER BY d.id DESC LIMIT 1
        ) g ON true;

        -- Dashboard "Variant performance comparison": each variant against the baseline, per metric,
        -- over every aggregated day.
        CREATE VIEW exp.v_variant_comparison AS
        WITH totals AS (
            SELECT experiment_id, variant_id, metric_name, sum(numerator) AS numerator,
                   sum(denominator) AS denominator, min(day) AS first_day, max(day) AS last_day
            FROM exp.v_variant_daily
            GROUP BY experiment_id, variant_id, metric_name
        )
        SELECT e.name AS experiment_name, v.name AS variant_name, v.allocation,
               v.name = e.baseline_variant AS is_baseline,
               pv.mlflow_model_name, pv.mlflow_model_version,
               (SELECT count(*) FROM exp.assignments a WHERE a.variant_id = v.id) AS units,
               t.metric_name, t.denominator AS observations, t.numerator / nullif(t.denominator, 0) AS value,
               b.numerator / nullif(b.denominator, 0) AS baseline_value,
               t.numerator / nullif(t.denominator, 0) - b.numerator / nullif(b.denominator, 0) AS difference,
               (t.numerator / nullif(t.denominator, 0)) / nullif(b.numerator / nullif(b.denominator, 0), 0) - 1
                   AS relative_difference,
               t.first_day, t.last_day, t.experiment_id, t.variant_id
        FROM totals t
        JOIN exp.experiments e ON e.id = t.experiment_id
        JOIN exp.variants v ON v.id = t.variant_id
        LEFT JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
        LEFT JOIN exp.variants bv ON bv.experiment_id = e.id AND bv.name = e.baseline_variant
        LEFT JOIN totals b ON b.variant_id = bv.id AND b.metric_name = t.metric_name;

        -- Dashboard "Latency and cost": per variant and bucket (hour or day).
        CREATE VIEW exp.v_latency_cost AS
        SELECT e.name AS experiment_name, v.name AS variant_name, pv.mlflow_model_name, pv.mlflow_model_version,
               m.bucket_start,
               CASE m.bucket_width WHEN interval '1 hour' THEN 'hour' WHEN interval '1 day' THEN 'day'
                   ELSE m.bucket_width::text END AS bucket_width,
               max(m.count) FILTER (WHERE m.metric_name = 'events:plan_generated') AS plans_generated,
               max(m.count) FILTER (WHERE m.metric_name = 'events:plan_accepted') AS plans_accepted,
               max(m.mean) FILTER (WHERE m.metric_name = 'latency_ms') AS latency_ms_mean,
               sqrt(max(m.variance) FILTER (WHERE m.metric_name = 'latency_ms')) AS latency_ms_stddev,
               max(m.mean) FILTER (WHERE m.metric_name = 'cost_usd') AS cost_usd_mean,
               max(m.sum) FILTER (WHERE m.metric_name = 'cost_usd') AS cost_usd_total,
               max(m.sum) FILTER (WHERE m.metric_name = 'cost_usd')
                   / nullif(max(m.count) FILTER (WHERE m.metric_name = 'events:plan_accepted'), 0)
                   AS cost_usd_per_accepted_plan,
               m.experiment_id, m.variant_id
        FROM exp.metric_aggregates m
        JOIN exp.experiments e ON e.id = m.experiment_id
        JOIN exp.variants v ON v.id = m.variant_id
        LEFT JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
        GROUP BY e.name, v.name, pv.mlflow_model_name, pv.mlflow_model_version, m.bucket_start, m.bucket_width,
                 m.experiment_id, m.variant_id;

        -- Every gate decision with the verdict it replaced.
        CREATE VIEW exp.v_gate_history AS
        SELECT d.id, d.decided_at, d.gate, d.subject, d.verdict,
               lag(d.verdict) OVER (PARTITION BY d.subject, d.gate ORDER BY d.id) AS previous_verdict,
               d.profile, d.mlflow_model_name, d.mlflow_model_version, d.baseline_model_version, d.dataset_digest,
               e.name AS experiment_name, d.commit_sha, d.evidence->>'headline' AS headline, d.evidence
        FROM exp.gate_decisions d
        LEFT JOIN exp.experiments e ON e.id = d.experiment_id;

        -- Dashboard "Model quality over time": each offline replay of a model version, its scores
        -- against its baseline's, and the latest verdicts of its gates.
        CREATE VIEW exp.v_model_quality AS
        SELECT r.mlflow_model_name, r.mlflow_model_version, r.created_at AS evaluated_at, r.dataset_version, r.rows,
               r.offline_eval_score, r.baseline_model_version, r.baseline_offline_eval_score,
               r.offline_eval_score - r.baseline_offline_eval_score AS score_delta,
               (r.metrics->>'plan_alignment_score')::float8 AS plan_alignment_score,
               (r.metrics->>'constraint_respect_score')::float8 AS constraint_respect_score,
               (r.metrics->>'edit_distance_score')::float8 AS edit_distance_score,
               (r.metrics->>'meal_diversity_score')::float8 AS meal_diversity_score,
               (r.metrics->>'leftovers_utility_score')::float8 AS leftovers_utility_score,
               (r.metrics->>'cost_latency_score')::float8 AS cost_latency_score,
               (SELECT d.verdict FROM exp.gate_decisions d
                WHERE d.gate = 'offline' AND d.mlflow_model_name = r.mlflow_model_name
                  AND d.mlflow_model_version = r.mlflow_model_version
                ORDER BY d.id DESC LIMIT 1) AS offline_gate_verdict,
               (SELECT d.verdict FROM exp.gate_decisions d
                WHERE d.gate = 'online' AND d.mlflow_model_name = r.mlflow_model_name
                  AND d.mlflow_model_version = r.mlflow_model_version
                ORDER BY d.id DESC LIMIT 1) AS online_gate_verdict,
               r.id AS result_id
        FROM exp.offline_replay_results r;

        -- Dashboard "Offline vs online evaluation trends": per model version, its offline replay
        -- scores (at the replay's time) and the online metrics of the variants serving it (per day),
        -- in one long table.
        CREATE VIEW exp.v_evaluation_timeline AS
        SELECT 'offline'::text AS evaluation, r.mlflow_model_name, r.mlflow_model_version, r.created_at AS at,
               r.dataset_version AS source, NULL::text AS variant_name, x.key AS metric_name,
               (x.value)::text::float8 AS value, r.baseline_model_version,
               (r.baseline_metrics->>x.key)::float8 AS baseline_value
        FROM exp.offline_replay_results r
        CROSS JOIN LATERAL jsonb_each(r.metrics) AS x (key, value)
        WHERE jsonb_typeof(x.value) = 'number'
        UNION ALL
        SELECT 'offline', r.mlflow_model_name, r.mlflow_model_version, r.created_at, r.dataset_version, NULL,
               'offline_eval_score', r.offline_eval_score, r.baseline_model_version, r.baseline_offline_eval_score
        FROM exp.offline_replay_results r
        WHERE NOT r.metrics ? 'offline_eval_score'
        UNION ALL
        SELECT 'online', pv.mlflow_model_name, pv.mlflow_model_version, d.day, e.name, v.name, d.metric_name, d.value,
               bpv.mlflow_model_version, b.value
        FROM exp.v_variant_daily d
        JOIN exp.experiments e ON e.id = d.experiment_id
        JOIN exp.variants v ON v.id = d.variant_id
        JOIN exp.policy_versions pv ON pv.id = v.policy_version_id
        LEFT JOIN exp.variants bv ON bv.experiment_id = e.id AND bv.name = e.baseline_variant
        LEFT JOIN exp.policy_versions bpv ON bpv.id = bv.policy_version_id
        LEFT JOIN exp.v_variant_daily b ON b.variant_id = bv.id AND b.day = d.day AND b.metric_name = d.metric_name;
        """
}
