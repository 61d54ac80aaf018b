/// Version 3 of the `exp` schema: a row that names both an experiment and a variant must name
/// a variant of that experiment (composite foreign keys), so that an assignment, event or
/// aggregate cannot count toward an experiment whose variant it is not.
///
/// The constraints are `NOT VALID`: new and changed rows are checked, existing ones are not
/// scanned, so the migration neither fails on old data nor blocks event ingestion while it
/// reads a large `exp.events`. An operator can check old rows later with
/// `ALTER TABLE … VALIDATE CONSTRAINT …` (docs/plan-and-apply.md).
enum SchemaV3 {
    static let sql = """
        ALTER TABLE exp.variants ADD CONSTRAINT variants_experiment_id_id_key UNIQUE (experiment_id, id);
        ALTER TABLE exp.assignments ADD CONSTRAINT assignments_variant_of_experiment
            FOREIGN KEY (experiment_id, variant_id) REFERENCES exp.variants (experiment_id, id) NOT VALID;
        ALTER TABLE exp.events ADD CONSTRAINT events_variant_of_experiment
            FOREIGN KEY (experiment_id, variant_id) REFERENCES exp.variants (experiment_id, id) NOT VALID;
        ALTER TABLE exp.events ADD CONSTRAINT events_variant_needs_experiment
            CHECK (variant_id IS NULL OR experiment_id IS NOT NULL) NOT VALID;
        ALTER TABLE exp.metric_aggregates ADD CONSTRAINT metric_aggregates_variant_of_experiment
            FOREIGN KEY (experiment_id, variant_id) REFERENCES exp.variants (experiment_id, id) NOT VALID;
        """
}
