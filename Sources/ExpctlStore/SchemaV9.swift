/// Version 9 of the `exp` schema: what the Event Ingestion Service (`expctl serve`) needs.
///
/// - `exp.events.client_event_id`: the id a client gives an event, so that a retried request
///   stores it once. Unique with `occurred_at` (a retry sends the same event, time included):
///   a unique index on a table partitioned by time must include the partition key, and this one
///   already does, so partitioning `exp.events` later keeps it.
/// - `exp.event_experiments`: an event in several experiments is stored once; `exp.events`
///   names the first experiment and variant, as it always has, and this table the others, so
///   that the readers that count per experiment (the online gate, the aggregation) count it in
///   each. The composite key keeps each variant within its experiment.
enum SchemaV9 {
    static let sql = """
        ALTER TABLE exp.events ADD COLUMN client_event_id text
            CHECK (client_event_id IS NULL OR length(client_event_id) BETWEEN 1 AND 200);
        CREATE UNIQUE INDEX events_client_event_id ON exp.events (client_event_id, occurred_at);
        CREATE TABLE exp.event_experiments (
            event_id       bigint NOT NULL REFERENCES exp.events (id) ON DELETE CASCADE,
            experiment_id  uuid NOT NULL,
            variant_id     uuid NOT NULL,
            PRIMARY KEY (event_id, experiment_id),
            FOREIGN KEY (experiment_id, variant_id) REFERENCES exp.variants (experiment_id, id)
        );
        CREATE INDEX event_experiments_experiment ON exp.event_experiments (experiment_id, variant_id);
        COMMENT ON TABLE exp.event_experiments IS 'the second and later experiments of an event in several: '
            'exp.events names the first';
        """
}
