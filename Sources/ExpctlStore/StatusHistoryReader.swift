public import ExpctlPostgres
public import Foundation

/// The history the status page draws, read in two statements: each variant's daily metrics
/// from `exp.metric_aggregates` (filled by the aggregation job), and the online gate's
/// intervals, look by look, from the figures `exp.gate_decisions` recorded.
public struct StatusHistory: Sendable {
    public struct Point: Sendable, Equatable {
        public var day: Date
        public var value: Double
    }

    public struct Look: Sendable, Equatable {
        public var time: Date
        public var estimate: Double
        public var lower: Double
        public var upper: Double
    }

    /// By experiment, variant and metric: `plan_acceptance_rate` (accepted over generated plans
    /// that day) and the daily mean of `edit_count` and `latency_ms`.
    public var metrics: [String: [String: [String: [Point]]]] = [:]
    /// By experiment, variant and metric: the relative effect's always-valid interval.
    public var looks: [String: [String: [String: [Look]]]] = [:]

    public init() {}

    public static func read(_ connection: PostgresConnection, days: Int = 30) throws -> StatusHistory {
        var history = StatusHistory()
        let daily = try connection.execute(
            """
            SELECT e.name AS experiment, v.name AS variant, extract(epoch FROM m.bucket_start)::bigint AS day,
                   max(m.count) FILTER (WHERE m.metric_name = 'events:plan_accepted')::float8
                       / nullif(max(m.count) FILTER (WHERE m.metric_name = 'events:plan_generated'), 0)
                       AS plan_acceptance_rate,
                   max(m.mean) FILTER (WHERE m.metric_name = 'edit_count') AS edit_count,
                   max(m.mean) FILTER (WHERE m.metric_name = 'latency_ms') AS latency_ms
            FROM exp.metric_aggregates m
            JOIN exp.experiments e ON e.id = m.experiment_id JOIN exp.variants v ON v.id = m.variant_id
            WHERE m.bucket_width = interval '1 day' AND m.bucket_start >= now() - make_interval(days => $1)
              AND e.archived_at IS NULL
            GROUP BY e.name, v.name, m.bucket_start ORDER BY m.bucket_start
            """, [.integer(Int64(days))])
        for row in daily.rows.indices {
            guard let experiment = daily.string(row, "experiment"), let variant = daily.string(row, "variant"),
                let day = daily.int(row, "day")
            else { continue }
            for metric in ["plan_acceptance_rate", "edit_count", "latency_ms"] {
                guard let value = daily.double(row, metric) else { continue }
                history.metrics[experiment, default: [:]][variant, default: [:]][metric, default: []].append(
                    Point(day: Date(timeIntervalSince1970: Double(day)), value: value))
            }
        }
        let looks = try connection.execute(
            """
            SELECT split_part(d.subject, '/', 1) AS experiment, split_part(d.subject, '/', 2) AS variant,
                   extract(epoch FROM d.decided_at)::float8 AS at, c->>'name' AS metric,
                   max((f->>'value')::float8) FILTER (WHERE f->>'name' LIKE '%.relative_effect') AS estimate,
                   max((f->>'value')::float8) FILTER (WHERE f->>'name' LIKE '%.lower') AS lower,
                   max((f->>'value')::float8) FILTER (WHERE f->>'name' LIKE '%.upper') AS upper
            FROM exp.gate_decisions d
            CROSS JOIN LATERAL jsonb_array_elements(d.evidence->'criteria') AS c
            CROSS JOIN LATERAL jsonb_array_elements(c->'figures') AS f
            WHERE d.gate = 'online' AND d.decided_at >= now() - make_interval(days => $1)
            GROUP BY d.id, d.subject, d.decided_at, c->>'name' ORDER BY d.id
            """, [.integer(Int64(days))])
        for row in looks.rows.indices {
            guard let experiment = looks.string(row, "experiment"), let variant = looks.string(row, "variant"),
                let metric = looks.string(row, "metric"), let at = looks.double(row, "at"),
                let estimate = looks.double(row, "estimate"), let lower = looks.double(row, "lower"),
                let upper = looks.double(row, "upper")
            else { continue }
            history.looks[experiment, default: [:]][variant, default: [:]][metric, default: []].append(
                Look(time: Date(timeIntervalSince1970: at), estimate: estimate, lower: lower, upper: upper))
        }
        return history
    }
}
