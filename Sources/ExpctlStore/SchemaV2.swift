/// Version 2 of the `exp` schema: run records that say which actions completed, for applies
/// that span PostgreSQL and the MLflow registry.
///
/// A run is recorded as `running` before its first registry change and updated after each
/// one, so that a process killed mid-apply leaves a record of what it did; the next apply
/// marks such a run `interrupted`.
enum SchemaV2 {
    static let sql = """
        ALTER TABLE exp.reconcile_runs ADD COLUMN completed_actions jsonb NOT NULL DEFAULT '[]';
        ALTER TABLE exp.reconcile_runs ADD COLUMN waiting_actions jsonb NOT NULL DEFAULT '[]';
        ALTER TABLE exp.reconcile_runs ADD COLUMN backend_pid integer;
        UPDATE exp.reconcile_runs SET completed_actions = actions WHERE outcome = 'applied';
        ALTER TABLE exp.reconcile_runs ALTER COLUMN finished_at DROP NOT NULL;
        ALTER TABLE exp.reconcile_runs DROP CONSTRAINT reconcile_runs_outcome_check;
        ALTER TABLE exp.reconcile_runs ADD CONSTRAINT reconcile_runs_outcome_check
            CHECK (outcome IN ('running', 'applied', 'no_changes', 'failed', 'refused', 'interrupted'));
        COMMENT ON COLUMN exp.reconcile_runs.actions IS 'ids of the actions apply set out to carry out, in order';
        COMMENT ON COLUMN exp.reconcile_runs.completed_actions IS 'ids of the actions carried out (registry ones as they happen, database ones at commit)';
        COMMENT ON COLUMN exp.reconcile_runs.backend_pid IS 'the PostgreSQL backend of the apply: a running run whose backend is gone was interrupted';
        COMMENT ON COLUMN exp.reconcile_runs.waiting_actions IS 'ids of the plan''s actions that wait on a job or gate and were not applied';
        """
}
