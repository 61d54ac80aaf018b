import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStatistics

/// The online gate's reads: for each running experiment and variant, its units (from
/// `exp.assignments`: the variant a unit was assigned, whatever its events say) and, per
/// metric, the sums over units of each unit's numerator and denominator (docs/gates.md):
///
/// | metric | numerator per unit | denominator per unit |
/// | --- | --- | --- |
/// | plan_acceptance_rate | plans accepted | plans generated |
/// | edit_count | Σ `edit_count` of accepted plans | plans accepted |
/// | validator_intervention_rate | Σ `validator_interventions` | plans generated |
/// | latency_ms | Σ `latency_ms` | plans generated |
/// | cost_usd | Σ `cost_usd` | plans generated |
///
/// One statement: per-unit values first, then per-variant sums. The per-unit values are the
/// sums `UnitMetrics` folded in up to its watermark plus the events since, so a pass reads the
/// units and the new events, not every event. They are aggregated per unit before they meet
/// the assignments: joined the other way round, a table not analyzed yet (right after a burst
/// of ingestion) made the planner loop over the events once per unit.
enum OnlineEvidenceQuery {
    /// (metric, numerator column, denominator column) of the per-unit values.
    static let metrics: [(name: String, numerator: String, denominator: String)] = [
        ("plan_acceptance_rate", "accepted", "generated"),
        ("edit_count", "edits", "accepted"),
        ("validator_intervention_rate", "interventions", "generated"),
        ("latency_ms", "latency", "generated"),
        ("cost_usd", "cost", "generated"),
    ]

    /// `$1` is the watermark (`UnitMetrics.watermark`), passed as a value, not a subquery, so
    /// that the planner sees how few events are above it and reads them through each day's
    /// primary key; behind a subquery it guessed a third of every day and scanned them all (9 s
    /// at 100 million events).
    static var sql: String {
        let sums = metrics.map { metric in
            let (m, d) = (metric.numerator, metric.denominator)
            return
                "sum(\(m)) AS \(metric.name)_m, sum(\(d)) AS \(metric.name)_d, sum(\(m) * \(m)) AS \(metric.name)_mm, "
                + "sum(\(d) * \(d)) AS \(metric.name)_dd, sum(\(m) * \(d)) AS \(metric.name)_md"
        }.joined(separator: ",\n       ")
        return """
            WITH running AS (
                SELECT e.id, e.name, (SELECT max(v.updated_at) FROM exp.variants v WHERE v.experiment_id = e.id) AS phase
                FROM exp.experiments e
                WHERE e.status = 'running' AND e.archived_at IS NULL
            ), tail AS (
                -- The events since the watermark, per unit (UnitMetrics): few right after a catch-up.
                SELECT experiment_id, unit_id, sum(generated) AS generated, sum(accepted) AS accepted,
                       sum(edits) AS edits, sum(interventions) AS interventions, sum(latency) AS latency,
                       sum(cost) AS cost
                FROM (\(UnitMetrics.eventValues(where: "e.id > $1::bigint"))) fresh
                WHERE experiment_id IN (SELECT id FROM running)
                GROUP BY experiment_id, unit_id
            ), unit_events AS (
                -- The per-unit sums folded in up to the watermark, plus the tail.
                SELECT coalesce(m.experiment_id, t.experiment_id) AS experiment_id,
                       coalesce(m.unit_id, t.unit_id) AS unit_id,
                       (coalesce(m.generated, 0) + coalesce(t.generated, 0))::float8 AS generated,
                       (coalesce(m.accepted, 0) + coalesce(t.accepted, 0))::float8 AS accepted,
                       (coalesce(m.edits, 0) + coalesce(t.edits, 0))::float8 AS edits,
                       (coalesce(m.interventions, 0) + coalesce(t.interventions, 0))::float8 AS interventions,
                       (coalesce(m.latency, 0) + coalesce(t.latency, 0))::float8 AS latency,
                       (coalesce(m.cost, 0) + coalesce(t.cost, 0))::float8 AS cost
                FROM (SELECT * FROM exp.unit_metrics WHERE experiment_id IN (SELECT id FROM running)) m
                FULL JOIN tail t ON t.experiment_id = m.experiment_id AND t.unit_id = m.unit_id
            ), per_unit AS (
                SELECT a.experiment_id, a.variant_id, a.unit_id, a.assigned_at,
                       coalesce(u.generated, 0) AS generated, coalesce(u.accepted, 0) AS accepted,
                       coalesce(u.edits, 0) AS edits, coalesce(u.interventions, 0) AS interventions,
                       coalesce(u.latency, 0) AS latency, coalesce(u.cost, 0) AS cost
                FROM exp.assignments a
                JOIN running r ON r.id = a.experiment_id
                LEFT JOIN unit_events u ON u.experiment_id = a.experiment_id AND u.unit_id = a.unit_id
            ), latest AS (
                SELECT experiment_id, max(assigned_at) AS last_assigned FROM per_unit GROUP BY experiment_id
            )
            SELECT r.name AS experiment, v.name AS variant, count(*) AS units,
                   count(*) FILTER (WHERE p.assigned_at >= r.phase) AS units_this_phase,
                   count(*) FILTER (WHERE p.assigned_at > l.last_assigned - interval '1 day') AS units_last_day,
                   \(sums)
            FROM per_unit p
            JOIN running r ON r.id = p.experiment_id
            JOIN latest l ON l.experiment_id = p.experiment_id
            JOIN exp.variants v ON v.id = p.variant_id
            GROUP BY r.name, v.name
            ORDER BY r.name, v.name
            """
    }

    static func read(_ connection: PostgresConnection) throws -> [String: OnlineExperimentData] {
        let result = try connection.execute(sql, [.integer(try UnitMetrics.watermark(connection))])
        var experiments: [String: OnlineExperimentData] = [:]
        for row in result.rows.indices {
            guard let experiment = result.string(row, "experiment"), let variant = result.string(row, "variant") else {
                continue
            }
            let units = Int(result.int(row, "units") ?? 0)
            var sums: [String: RatioSums] = [:]
            for metric in metrics {
                func value(_ suffix: String) -> Double { result.double(row, "\(metric.name)_\(suffix)") ?? 0 }
                sums[metric.name] = RatioSums(
                    units: units, numeratorSum: value("m"), denominatorSum: value("d"),
                    numeratorSumOfSquares: value("mm"),
                    denominatorSumOfSquares: value("dd"), sumOfProducts: value("md"))
            }
            experiments[experiment, default: OnlineExperimentData(experiment: experiment, variants: [:])]
                .variants[variant] = OnlineVariantData(
                    variant: variant, units: units, unitsThisPhase: Int(result.int(row, "units_this_phase") ?? 0),
                    unitsLastDay: Int(result.int(row, "units_last_day") ?? 0), metrics: sums)
        }
        return experiments
    }
}
