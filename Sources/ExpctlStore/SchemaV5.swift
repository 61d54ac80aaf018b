/// Version 5 of the `exp` schema: the job ledger holds dataset builds (and, next, evaluations)
/// beside trainings. A succeeded dataset job records the digest of the rows it wrote, which a
/// rebuild of the same declaration must reproduce.
///
/// It also repairs version 4's check on a succeeded training: `NULL ~ pattern` is NULL, which a
/// CHECK lets through, so a result without `model_version` passed. Both checks now coalesce.
enum SchemaV5 {
    static let sql = """
        ALTER TABLE exp.jobs DROP CONSTRAINT jobs_kind_check;
        ALTER TABLE exp.jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('dataset', 'training', 'evaluation'));
        ALTER TABLE exp.jobs ADD CONSTRAINT jobs_dataset_result_check
            CHECK (kind <> 'dataset' OR state <> 'succeeded'
                   OR coalesce(result->>'content_digest', '') ~ '^[0-9a-f]{64}$');
        DO $$ DECLARE name text; BEGIN SELECT conname INTO name FROM pg_constraint
            WHERE conrelid = 'exp.jobs'::regclass AND contype = 'c'
                AND pg_get_constraintdef(oid) LIKE '%model_version%'; IF
            name IS NOT NULL THEN EXECUTE format('ALTER TABLE exp.jobs DROP CONSTRAINT %I', name); END IF; END $$;
        ALTER TABLE exp.jobs ADD CONSTRAINT jobs_training_result_check
            CHECK (kind <> 'training' OR state <> 'succeeded'
                   OR coalesce(result->>'model_version', '') ~ '^[1-9][0-9]*$');
        COMMENT ON COLUMN exp.jobs.result IS 'what the job produced; a dataset: {"content_digest", "rows", "path"}; '
            'a training: {"model_name", "model_version", "run_id"}';
        """
}
