import ExpctlModel
public import ExpctlPostgres

/// The online gate's per-unit sums (`exp.unit_metrics`), kept up to date from a watermark:
/// each catch-up folds in the events whose id is above `exp.unit_metrics_watermark` and moves
/// it, so its cost is the events that arrived since the last one.
///
/// Ids are handed out when rows are inserted, not when they commit, so a transaction still
/// inserting may yet commit an id below the newest visible one. The catch-up therefore takes
/// its upper bound under `LOCK … IN SHARE MODE`, which waits for every inserting transaction to
/// end (and holds new ones back for that moment only): every id up to the sequence's last
/// value is then committed or gone.
public enum UnitMetrics {
    /// The per-unit values of one event, as rows `(experiment_id, unit_id, generated, accepted,
    /// edits, interventions, latency, cost)`: each event once per experiment it is in
    /// (`exp.events` names the first, `exp.event_experiments` the others). `condition` selects
    /// the events (on `e`), e.g. `e.id > $1`.
    static func eventValues(where condition: String) -> String {
        let values = """
            (e.event_type = 'plan_generated')::int AS generated, (e.event_type = 'plan_accepted')::int AS accepted,
                   CASE WHEN e.event_type = 'plan_accepted' THEN coalesce((e.metrics->>'edit_count')::numeric, 0) ELSE 0 END AS edits,
                   CASE WHEN e.event_type = 'plan_generated'
                        THEN coalesce((e.metrics->>'validator_interventions')::numeric, 0) ELSE 0 END AS interventions,
                   CASE WHEN e.event_type = 'plan_generated' THEN coalesce((e.metrics->>'latency_ms')::numeric, 0) ELSE 0 END AS latency,
                   CASE WHEN e.event_type = 'plan_generated' THEN coalesce((e.metrics->>'cost_usd')::numeric, 0) ELSE 0 END AS cost
            """
        return """
            SELECT e.experiment_id, e.unit_id, \(values)
            FROM exp.events e
            WHERE \(condition) AND e.experiment_id IS NOT NULL AND e.event_type IN ('plan_generated', 'plan_accepted')
            UNION ALL
            SELECT x.experiment_id, e.unit_id, \(values)
            FROM exp.event_experiments x JOIN exp.events e ON e.id = x.event_id
            WHERE \(condition) AND e.event_type IN ('plan_generated', 'plan_accepted')
            """
    }

    /// The newest event id every inserting transaction is done with (see the type's comment).
    public static let boundSQL = """
        SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS bound FROM exp.events_id_seq
        """

    /// The value of `boundSQL`.
    public static func bound(_ connection: PostgresConnection) throws -> Int64 {
        try connection.execute(boundSQL).int(0, "bound") ?? 0
    }

    /// The last event id folded into `exp.unit_metrics` (locked for the caller's transaction
    /// with `forUpdate`).
    public static func watermark(_ connection: PostgresConnection, forUpdate: Bool = false) throws -> Int64 {
        let lock = forUpdate ? " FOR UPDATE" : ""
        return try connection.execute("SELECT event_id FROM exp.unit_metrics_watermark" + lock).int(0, "event_id") ?? 0
    }

    /// Moves the watermark to `$1`, the bound of the events just folded in.
    public static let advanceSQL = """
        UPDATE exp.unit_metrics_watermark SET event_id = $1, updated_at = clock_timestamp()
        """

    /// Folds the events of ids in ($1, $2] into the per-unit sums.
    public static var foldSQL: String {
        """
        INSERT INTO exp.unit_metrics AS u (experiment_id, unit_id, generated, accepted, edits, interventions, latency, cost)
        SELECT experiment_id, unit_id, sum(generated), sum(accepted), sum(edits), sum(interventions), sum(latency), sum(cost)
        FROM (\(eventValues(where: "e.id > $1 AND e.id <= $2"))) fresh
        GROUP BY experiment_id, unit_id
        ON CONFLICT (experiment_id, unit_id) DO UPDATE SET
            generated = u.generated + excluded.generated, accepted = u.accepted + excluded.accepted,
            edits = u.edits + excluded.edits, interventions = u.interventions + excluded.interventions,
            latency = u.latency + excluded.latency, cost = u.cost + excluded.cost
        """
    }

    /// What one catch-up did.
    public struct CatchUp: Sendable, Hashable {
        /// The watermark before and after.
        public var from: Int64
        public var to: Int64
        /// Per-unit rows written.
        public var units: Int
    }

    /// Folds in the events that arrived since the watermark; one writer at a time (the
    /// watermark's row is locked).
    @discardableResult
    public static func catchUp(_ connection: PostgresConnection) throws -> CatchUp {
        let bound: Int64 = try connection.transaction {
            try connection.execute("LOCK TABLE exp.events IN SHARE MODE")
            return try Self.bound(connection)
        }
        return try connection.transaction {
            let from = try watermark(connection, forUpdate: true)
            guard bound > from else { return CatchUp(from: from, to: from, units: 0) }
            let written = try connection.execute(foldSQL, [.integer(from), .integer(bound)]).affectedRows
            try connection.execute(advanceSQL, [.integer(bound)])
            return CatchUp(from: from, to: bound, units: written)
        }
    }
}
