public import ExpctlModel
public import ExpctlPostgres

/// The widths of `exp.metric_aggregates` buckets.
public enum BucketWidth: String, Sendable, CaseIterable, Comparable {
    case hour, day

    public var seconds: Int64 { self == .hour ? 3_600 : 86_400 }

    /// The PostgreSQL interval of `bucket_width`.
    var interval: String { "1 \(rawValue)" }

    public static func < (lhs: BucketWidth, rhs: BucketWidth) -> Bool { lhs.seconds < rhs.seconds }
}

/// A window of event time, `[since, until)`, in whole buckets of its widest width (UTC).
public struct AggregationWindow: Sendable, Equatable {
    public var since: Timestamp
    public var until: Timestamp

    /// `[since, until)` widened to whole buckets of `width`: since rounded down, until up, so
    /// that no bucket is computed from part of its events.
    public init(since: Timestamp, until: Timestamp, alignedTo width: BucketWidth) {
        let size = width.seconds
        let floor = since.seconds - ((since.seconds % size) + size) % size
        var ceiling = until.seconds - ((until.seconds % size) + size) % size
        if ceiling < until.seconds || (ceiling == until.seconds && until.nanoseconds > 0) { ceiling += size }
        self.since = Timestamp(seconds: floor)
        self.until = Timestamp(seconds: max(ceiling, floor))
    }

    public var isEmpty: Bool { until <= since }
}

/// What one aggregation run did.
public struct AggregationSummary: Sendable, Equatable {
    public var window: AggregationWindow?
    public var widths: [BucketWidth] = []
    /// Events in the window that name a variant.
    public var events = 0
    /// Buckets (one per experiment, variant, metric, bucket start and width) computed, and of
    /// them those new, changed and already as computed; buckets of the window whose events are
    /// gone and that were removed.
    public var buckets = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged: Int { buckets - inserted - updated }
    public var removed = 0

    public init() {}
}

/// The metrics aggregation job of the onboarding spec (section 7.1): per experiment, variant,
/// metric and hourly or daily bucket, the count, sum, mean and population variance of the
/// events' values, written into `exp.metric_aggregates` as an idempotent upsert of a window.
///
/// Every numeric key of an event's `metrics` is a metric; `events:<event_type>` counts the
/// events of each type (value 1), so rates are ratios of sums (docs/aggregate.md). Only events
/// that name a variant count. The sums are exact (`numeric`), so the same events give the same
/// bits whatever order the server reads them in, and a second run over the same window changes
/// no row, not even `updated_at`. Daily buckets are the sums of the hourly ones.
public struct MetricAggregator {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The key of the transaction-level advisory lock that keeps two aggregations apart (ASCII "expctlag").
    static let lockKey: Int64 = 0x6578_7063_746C_6167

    /// Aggregates `[since, until)` widened to whole buckets of the widest width; nil bounds take
    /// the default window, the complete days not aggregated yet: from the day of the latest
    /// bucket of these widths already written (done again, for late events), or else the first
    /// event's day, to the start of the latest event's day (a later event may still come for
    /// it). In one transaction.
    public func run(since: Timestamp? = nil, until: Timestamp? = nil, widths: [BucketWidth] = BucketWidth.allCases)
        throws -> AggregationSummary
    {
        let widths = Array(Set(widths)).sorted()
        guard !widths.isEmpty else { return AggregationSummary() }
        return try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(Self.lockKey)])
            var summary = AggregationSummary()
            summary.widths = widths
            guard let window = try window(since: since, until: until, widths: widths), !window.isEmpty else {
                return summary
            }
            summary.window = window
            try computeBuckets(window, widths)
            let computed = try connection.execute(Self.countSQL, [.text(widths[0].interval)])
            summary.buckets = Int(computed.int(0, "buckets") ?? 0)
            summary.events = Int(computed.int(0, "events") ?? 0)
            let upserted = try connection.execute(Self.upsertSQL)
            summary.inserted = Int(upserted.int(0, "inserted") ?? 0)
            summary.updated = Int(upserted.int(0, "updated") ?? 0)
            summary.removed = try connection.execute(Self.removeSQL, Self.removeParameters(window, widths)).affectedRows
            return summary
        }
    }

    /// The statements of `run` over an explicit window, in order, with their parameters: for a
    /// benchmark to run them by `psql` beside `run` itself.
    public static func statements(
        since: Timestamp, until: Timestamp, widths: [BucketWidth]
    ) -> [(name: String, sql: String, parameters: [PostgresValue])] {
        let widths = Array(Set(widths)).sorted()
        let window = AggregationWindow(since: since, until: until, alignedTo: widths.last ?? .day)
        return [
            ("lock", "SELECT pg_advisory_xact_lock($1)", [.integer(lockKey)]),
            ("buckets", bucketsSQL, bucketsParameters(window, widths)),
            ("count", countSQL, [.text(widths[0].interval)]), ("upsert", upsertSQL, []),
            ("remove", removeSQL, removeParameters(window, widths)),
        ]
    }

    static let countSQL = """
        SELECT count(*) AS buckets,
               coalesce(sum(count) FILTER (WHERE metric_name LIKE 'events:%'
                                           AND bucket_width = $1::interval), 0) AS events
        FROM expctl_aggregates
        """

    static let upsertSQL = """
                WITH upserted AS (
                    INSERT INTO exp.metric_aggregates AS m
                        (experiment_id, variant_id, metric_name, bucket_start, bucket_width, count, sum, mean, variance)
                    SELECT experiment_id, variant_id, metric_name, bucket_start, bucket_width, count, sum, mean,
                           variance
                    FROM expctl_aggregates
                    ON CONFLICT (experiment_id, variant_id, metric_name, bucket_start, bucket_width) DO UPDATE
                    SET count = excluded.count, sum = excluded.sum, mean = excluded.mean, variance = excluded.variance,
                        updated_at = now()
                    WHERE (m.count, m.sum, m.mean, m.variance)
                          IS DISTINCT FROM (excluded.count, excluded.sum, excluded.mean, excluded.variance)
                    RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
                FROM upserted
                """

    static let removeSQL = """
                    DELETE FROM exp.metric_aggregates m
                    WHERE m.bucket_width = ANY($1::interval[])
                      AND m.bucket_start >= $2::timestamptz AND m.bucket_start < $3::timestamptz
                      AND NOT EXISTS (
                          SELECT 1 FROM expctl_aggregates a
                          WHERE a.experiment_id = m.experiment_id AND a.variant_id = m.variant_id
                            AND a.metric_name = m.metric_name AND a.bucket_start = m.bucket_start
                            AND a.bucket_width = m.bucket_width)
                    """

    static func removeParameters(_ window: AggregationWindow, _ widths: [BucketWidth]) -> [PostgresValue] {
        [intervals(widths), .text(window.since.description), .text(window.until.description)]
    }

    /// `{"1 hour","1 day"}`: the widths as an `interval[]` parameter.
    static func intervals(_ widths: [BucketWidth]) -> PostgresValue {
        .text("{" + widths.map { "\"\($0.interval)\"" }.joined(separator: ",") + "}")
    }

    /// The window to aggregate: the bounds given, the default for those not, aligned.
    private func window(since: Timestamp?, until: Timestamp?, widths: [BucketWidth]) throws -> AggregationWindow? {
        let widest = widths.last ?? .day
        if let since, let until { return AggregationWindow(since: since, until: until, alignedTo: widest) }
        let bounds = try connection.execute(
            """
            SELECT floor(extract(epoch FROM min(occurred_at)))::bigint AS first,
                   floor(extract(epoch FROM max(occurred_at)))::bigint AS last,
                   (SELECT floor(extract(epoch FROM max(bucket_start)))::bigint FROM exp.metric_aggregates
                    WHERE bucket_width = ANY($1::interval[])) AS aggregated
            FROM exp.events WHERE variant_id IS NOT NULL
            """, [Self.intervals(widths)])
        guard let first = bounds.int(0, "first"), let last = bounds.int(0, "last") else { return nil }
        func day(_ seconds: Int64) -> Timestamp {
            Timestamp(
                seconds: seconds - ((seconds % BucketWidth.day.seconds) + BucketWidth.day.seconds)
                    % BucketWidth.day.seconds)
        }
        let defaultSince = day(bounds.int(0, "aggregated") ?? first)
        let defaultUntil = day(last)
        return AggregationWindow(since: since ?? defaultSince, until: until ?? defaultUntil, alignedTo: widest)
    }

    /// Fills the temporary table `expctl_aggregates` with the window's buckets: hourly sums of
    /// count, value and squared value in `numeric`, daily ones summed from them, then mean and
    /// population variance, `(n·Σx² − (Σx)²) / n²`, exact until the final cast.
    private func computeBuckets(_ window: AggregationWindow, _ widths: [BucketWidth]) throws {
        try connection.execute(Self.bucketsSQL, Self.bucketsParameters(window, widths))
    }

    static func bucketsParameters(_ window: AggregationWindow, _ widths: [BucketWidth]) -> [PostgresValue] {
        [
            .text(window.since.description), .text(window.until.description), .bool(widths.contains(.hour)),
            .bool(widths.contains(.day)),
        ]
    }

    static let bucketsSQL = """
            CREATE TEMPORARY TABLE expctl_aggregates ON COMMIT DROP AS
            WITH memberships AS (
                -- Each event once per experiment it is in: exp.events names the first, and
                -- exp.event_experiments the others.
                SELECT e.experiment_id, e.variant_id, e.event_type, e.metrics, e.occurred_at
                FROM exp.events e
                WHERE e.variant_id IS NOT NULL AND e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
                UNION ALL
                SELECT x.experiment_id, x.variant_id, e.event_type, e.metrics, e.occurred_at
                FROM exp.event_experiments x JOIN exp.events e ON e.id = x.event_id
                WHERE e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
            ), source AS (
                SELECT m.experiment_id, m.variant_id, x.key AS metric_name, (x.value)::numeric AS value, m.occurred_at
                FROM memberships m
                CROSS JOIN LATERAL jsonb_each(m.metrics) AS x (key, value)
                WHERE jsonb_typeof(x.value) = 'number'
                UNION ALL
                SELECT m.experiment_id, m.variant_id, 'events:' || m.event_type, 1::numeric, m.occurred_at
                FROM memberships m
            ), hourly AS (
                SELECT experiment_id, variant_id, metric_name, date_trunc('hour', occurred_at, 'UTC') AS bucket_start,
                       count(*)::numeric AS n, sum(value) AS total, sum(value * value) AS squares
                FROM source
                GROUP BY experiment_id, variant_id, metric_name, date_trunc('hour', occurred_at, 'UTC')
            ), buckets AS (
                SELECT experiment_id, variant_id, metric_name, bucket_start, interval '1 hour' AS bucket_width,
                       n, total, squares
                FROM hourly WHERE $3::boolean
                UNION ALL
                SELECT experiment_id, variant_id, metric_name, date_trunc('day', bucket_start, 'UTC'),
                       interval '1 day', sum(n), sum(total), sum(squares)
                FROM hourly WHERE $4::boolean
                GROUP BY experiment_id, variant_id, metric_name, date_trunc('day', bucket_start, 'UTC')
            )
            SELECT experiment_id, variant_id, metric_name, bucket_start, bucket_width, n::bigint AS count,
                   total::float8 AS sum, (total / n)::float8 AS mean,
                   greatest((n * squares - total * total) / (n * n), 0)::float8 AS variance
            FROM buckets
            """
}
