/// Version 7 of the `exp` schema: the evaluation gates' records and the assignment salt.
///
/// - `exp.experiments.assignment_salt`: the salt of the assignment hash (docs/assignment.md);
///   NULL hashes with the experiment's name. Not the id, which a rebuilt database changes.
/// - `exp.gate_decisions`: append-only, one row each time a gate's verdict on a subject or its
///   evidence changes materially; the latest row per subject and gate is the gate's state
///   between passes (the always-valid tests' running bounds, a sticky failure).
enum SchemaV7 {
    static let sql = """
        ALTER TABLE exp.experiments
            ADD COLUMN assignment_salt text CHECK (octet_length(assignment_salt) BETWEEN 1 AND 200);
        COMMENT ON COLUMN exp.experiments.assignment_salt
            IS 'salt of bucket = sha256(salt || '':'' || unit_id) mod 10000; NULL means the name';

        CREATE TABLE exp.gate_decisions (
            id                      bigserial PRIMARY KEY,
            subject                 text NOT NULL,
            gate                    text NOT NULL CHECK (gate IN ('offline', 'online', 'traffic_cap', 'lifecycle')),
            verdict                 text NOT NULL
                                    CHECK (verdict IN ('pass', 'fail', 'inconclusive', 'waiting', 'blocked')),
            profile                 text NOT NULL,
            mlflow_model_name       text,
            mlflow_model_version    text CHECK (mlflow_model_version ~ '^[1-9][0-9]*$'),
            baseline_model_version  text CHECK (baseline_model_version ~ '^[1-9][0-9]*$'),
            dataset_digest          text CHECK (dataset_digest ~ '^[0-9a-f]{64}$'),
            experiment_id           uuid REFERENCES exp.experiments (id),
            evidence                jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
            evidence_digest         text NOT NULL CHECK (evidence_digest ~ '^[0-9a-f]{64}$'),
            commit_sha              text NOT NULL,
            decided_at              timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX gate_decisions_latest ON exp.gate_decisions (subject, gate, id DESC);
        COMMENT ON TABLE exp.gate_decisions
            IS 'append-only: each change of a gate verdict or of its evidence, with the evidence';

        CREATE FUNCTION exp.refuse_gate_decision_change() RETURNS trigger LANGUAGE plpgsql
            AS $$ BEGIN RAISE EXCEPTION 'exp.gate_decisions is append-only' USING ERRCODE = '55000'; END $$;
        CREATE TRIGGER gate_decisions_append_only BEFORE UPDATE OR DELETE ON exp.gate_decisions
            FOR EACH ROW EXECUTE FUNCTION exp.refuse_gate_decision_change();
        """
}
