/// Version 10 of the `exp` schema: jobs that run on a cluster.
///
/// - `exp.jobs.execution`: where the job's current attempt runs outside this process (a Ray
///   submission id, the MLflow run it logs to, the code package), written before the job is
///   submitted, so that a runner that restarts, or the standby that takes over, re-attaches to
///   the running job instead of submitting it twice. NULL for a job run in-process or locally.
enum SchemaV10 {
    static let sql = """
        ALTER TABLE exp.jobs ADD COLUMN execution jsonb CHECK (execution IS NULL OR jsonb_typeof(execution) = 'object');
        COMMENT ON COLUMN exp.jobs.execution IS 'the attempt under way on a cluster: {"executor", "submission_id", '
            '"mlflow_run_id", "package", "attempt"}, recorded before it is submitted';
        """
}
