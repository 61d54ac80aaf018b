/// Version 6 of the `exp` schema: offline replay evaluations as the gates read them.
///
/// - `exp.offline_replay_results` gains what identifies an evaluation (the baseline version,
///   the scorer version, the dataset's digest) and the job that ran it; an evaluation of the
///   same model version, dataset, baseline and scorer is recorded once.
/// - `exp.offline_replay_rows` holds the per-row scores of the candidate and of the baseline on
///   the same rows, which the paired tests of the offline gate need.
enum SchemaV6 {
    static let sql = """
        ALTER TABLE exp.offline_replay_results
            ADD COLUMN baseline_model_version text CHECK (baseline_model_version ~ '^[1-9][0-9]*$'),
            ADD COLUMN scorer_version text,
            ADD COLUMN dataset_digest text CHECK (dataset_digest ~ '^[0-9a-f]{64}$'),
            ADD COLUMN rows integer CHECK (rows >= 0),
            ADD COLUMN baseline_metrics jsonb
                CHECK (baseline_metrics IS NULL OR jsonb_typeof(baseline_metrics) = 'object'),
            ADD COLUMN baseline_offline_eval_score double precision,
            ADD COLUMN job_id uuid REFERENCES exp.jobs (id);
        CREATE UNIQUE INDEX offline_replay_results_one_per_evaluation ON exp.offline_replay_results
            (mlflow_model_name, mlflow_model_version, dataset_version, coalesce(baseline_model_version, ''),
             scorer_version)
            WHERE scorer_version IS NOT NULL;
        COMMENT ON COLUMN exp.offline_replay_results.scorer_version
            IS 'the version of expctl''s scoring; NULL for rows written by others';

        CREATE TABLE exp.offline_replay_rows (
            result_id                 uuid NOT NULL
                                      REFERENCES exp.offline_replay_results (id) ON DELETE CASCADE,
            model_role                text NOT NULL CHECK (model_role IN ('candidate', 'baseline')),
            row_id                    text NOT NULL,
            plan_alignment_score      double precision NOT NULL,
            meal_diversity_score      double precision NOT NULL,
            leftovers_utility_score   double precision NOT NULL,
            constraint_respect_score  double precision NOT NULL,
            edit_distance_score       double precision NOT NULL,
            cost_latency_score        double precision NOT NULL,
            violations                integer NOT NULL CHECK (violations >= 0),
            PRIMARY KEY (result_id, model_role, row_id)
        );
        COMMENT ON TABLE exp.offline_replay_rows
            IS 'per-row scores of an offline replay, candidate and baseline on the same rows';
        """
}
