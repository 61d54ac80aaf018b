import ExpctlModel
import ExpctlPostgres
import ExpctlStore
import PostgresTestSupport
import Testing

private func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

/// Inserts an event of `variant` of the fixture experiment (nil: an event without one).
private func event(
    _ connection: PostgresConnection, _ type: String, _ variant: String?, _ at: String, _ metrics: String = "{}"
) throws {
    try connection.execute(
        """
        INSERT INTO exp.events (event_type, unit_type, unit_id, experiment_id, variant_id, metrics, occurred_at)
        SELECT $1, 'user', 'u1', v.experiment_id, v.id, $3::jsonb, $4::timestamptz
        FROM (SELECT 1) AS one LEFT JOIN exp.variants v ON v.name = $2
        """, [.text(type), variant.map(PostgresValue.text) ?? .null, .json(metrics), .text(at)])
}

/// Every aggregate row as text, updated_at included, in a fixed order.
private func snapshot(_ connection: PostgresConnection, where condition: String = "true") throws -> [[String?]] {
    try connection.execute(
        """
        SELECT v.name, m.metric_name, m.bucket_start::text, m.bucket_width::text, m.count::text,
               m.sum::text, m.mean::text, m.variance::text, m.updated_at::text
        FROM exp.metric_aggregates m JOIN exp.variants v ON v.id = m.variant_id
        WHERE \(condition)
        ORDER BY 1, 2, 3, 4
        """
    ).rows
}

/// A running experiment with a few events on 3 and 4 March 2025, and one without a variant.
private func withEvents(_ body: (ExpStore, PostgresConnection) throws -> Void) throws {
    try withStore { store, _ in
        let connection = store.connection
        try RunningExperiment().insert(connection)
        try event(connection, "plan_generated", "control", "2025-03-03T10:05:00Z", #"{"latency_ms": 100}"#)
        try event(connection, "plan_generated", "control", "2025-03-03T10:55:00Z", #"{"latency_ms": 200}"#)
        try event(
            connection, "plan_generated", "control", "2025-03-03T11:30:00Z", #"{"latency_ms": 400, "note": "slow"}"#)
        try event(connection, "plan_accepted", "control", "2025-03-03T10:30:00Z", #"{"edit_count": 3}"#)
        try event(connection, "plan_generated", "candidate", "2025-03-04T08:00:00Z", #"{"latency_ms": 50.5}"#)
        try event(connection, "plan_generated", nil, "2025-03-03T10:10:00Z", #"{"latency_ms": 9999}"#)
        try body(store, connection)
    }
}

@Suite("The metrics aggregation job")
struct MetricAggregationTests {
    @Test func theValuesAreTheHandComputedOnes() throws {
        try withEvents { store, connection in
            let summary = try MetricAggregator(connection: connection).run(
                since: time("2025-03-03T00:00:00Z"), until: time("2025-03-05T00:00:00Z"))
            #expect(summary.events == 5)
            let rows = try connection.execute(
                """
                SELECT v.name || ' ' || m.metric_name || ' ' || to_char(m.bucket_start AT TIME ZONE 'UTC', 'DD HH24')
                           || ' ' || m.bucket_width AS key, m.count, m.sum, m.mean, m.variance
                FROM exp.metric_aggregates m JOIN exp.variants v ON v.id = m.variant_id
                """)
            var values: [String: [Double]] = [:]
            for row in rows.rows.indices {
                values[rows.string(row, "key")!] = ["count", "sum", "mean", "variance"].map {
                    rows.double(row, $0)!
                }
            }
            let mean = 700.0 / 3
            let expected: [String: [Double]] = [
                "control latency_ms 03 10 01:00:00": [2, 300, 150, 2_500],
                "control latency_ms 03 11 01:00:00": [1, 400, 400, 0],
                "control latency_ms 03 00 1 day": [
                    3, 700, mean, (100 * 100 + 200 * 200 + 400 * 400) / 3 - mean * mean,
                ],
                "control edit_count 03 10 01:00:00": [1, 3, 3, 0],
                "control edit_count 03 00 1 day": [1, 3, 3, 0],
                "control events:plan_generated 03 10 01:00:00": [2, 2, 1, 0],
                "control events:plan_generated 03 11 01:00:00": [1, 1, 1, 0],
                "control events:plan_generated 03 00 1 day": [3, 3, 1, 0],
                "control events:plan_accepted 03 10 01:00:00": [1, 1, 1, 0],
                "control events:plan_accepted 03 00 1 day": [1, 1, 1, 0],
                "candidate latency_ms 04 08 01:00:00": [1, 50.5, 50.5, 0],
                "candidate latency_ms 04 00 1 day": [1, 50.5, 50.5, 0],
                "candidate events:plan_generated 04 08 01:00:00": [1, 1, 1, 0],
                "candidate events:plan_generated 04 00 1 day": [1, 1, 1, 0],
            ]
            #expect(Set(values.keys) == Set(expected.keys))
            for (key, numbers) in expected {
                let got = values[key] ?? []
                #expect(
                    got.count == 4 && zip(got, numbers).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) },
                    "\(key): \(got) against \(numbers)")
            }
            #expect(summary.buckets == expected.count && summary.inserted == expected.count && summary.removed == 0)
        }
    }

    /// The upsert is idempotent: the same window again rewrites no row, not even `updated_at`.
    @Test func runningTwiceOverTheSameWindowChangesNothing() throws {
        try withEvents { store, connection in
            let aggregator = MetricAggregator(connection: connection)
            let first = try aggregator.run(since: time("2025-03-03T00:00:00Z"), until: time("2025-03-05T00:00:00Z"))
            let before = try snapshot(connection)
            let second = try aggregator.run(since: time("2025-03-03T00:00:00Z"), until: time("2025-03-05T00:00:00Z"))
            #expect(try snapshot(connection) == before)
            #expect(second.buckets == first.buckets && second.unchanged == first.buckets)
            #expect(second.inserted == 0 && second.updated == 0 && second.removed == 0)
        }
    }

    /// Another window writes its own buckets and leaves the first window's rows as they were.
    @Test func aSecondWindowDoesNotTouchTheFirst() throws {
        try withEvents { store, connection in
            let aggregator = MetricAggregator(connection: connection)
            _ = try aggregator.run(since: time("2025-03-03T00:00:00Z"), until: time("2025-03-04T00:00:00Z"))
            let firstDay = try snapshot(connection)
            #expect(firstDay.allSatisfy { $0[0] == "control" })
            // An event of the first day arrives late; the second day's run must not pick it up.
            try event(connection, "plan_generated", "control", "2025-03-03T23:00:00Z", #"{"latency_ms": 1}"#)
            let second = try aggregator.run(since: time("2025-03-04T00:00:00Z"), until: time("2025-03-05T00:00:00Z"))
            #expect(second.inserted == 4 && second.removed == 0)
            #expect(try snapshot(connection, where: "m.bucket_start < '2025-03-04T00:00:00Z'") == firstDay)
        }
    }

    /// Events that changed or went since the last run update or remove their buckets.
    @Test func bucketsFollowTheEventsOfTheWindow() throws {
        try withEvents { store, connection in
            let aggregator = MetricAggregator(connection: connection)
            let window = (since: time("2025-03-03T00:00:00Z"), until: time("2025-03-04T00:00:00Z"))
            _ = try aggregator.run(since: window.since, until: window.until)
            try connection.execute("DELETE FROM exp.events WHERE event_type = 'plan_accepted'")
            try connection.execute(
                "UPDATE exp.events SET metrics = '{\"latency_ms\": 300}' WHERE metrics->>'latency_ms' = '400'")
            let again = try aggregator.run(since: window.since, until: window.until)
            // Edits and acceptances: hourly and daily buckets of each; latency: 11:00 and the day.
            #expect(again.removed == 4 && again.updated == 2 && again.inserted == 0)
            let day = try connection.execute(
                """
                SELECT m.mean FROM exp.metric_aggregates m
                WHERE m.metric_name = 'latency_ms' AND m.bucket_width = interval '1 day'
                  AND m.bucket_start = '2025-03-03T00:00:00Z'
                """)
            #expect(day.double(0, "mean") == 200)
        }
    }

    /// Without bounds: the complete days not aggregated yet, the last aggregated day again.
    @Test func theDefaultWindowIsTheCompleteDaysSinceTheLastRun() throws {
        try withEvents { store, connection in
            let aggregator = MetricAggregator(connection: connection)
            // The latest event is on 4 March: only 3 March is complete.
            let first = try aggregator.run()
            #expect(
                first.window
                    == AggregationWindow(
                        since: time("2025-03-03T00:00:00Z"), until: time("2025-03-04T00:00:00Z"), alignedTo: .day))
            try event(connection, "plan_generated", "candidate", "2025-03-06T01:00:00Z", #"{"latency_ms": 7}"#)
            let second = try aggregator.run()
            #expect(second.window?.since == time("2025-03-03T00:00:00Z"))
            #expect(second.window?.until == time("2025-03-06T00:00:00Z"))
            #expect(second.inserted == 4 && second.unchanged == first.buckets)
            try connection.execute("DELETE FROM exp.events WHERE variant_id IS NOT NULL")
            #expect(try aggregator.run().window == nil)
        }
    }

    @Test func aWindowIsWidenedToWholeBuckets() {
        let window = AggregationWindow(
            since: time("2025-03-03T10:30:00Z"), until: time("2025-03-04T00:00:00.5Z"), alignedTo: .day)
        #expect(window.since == time("2025-03-03T00:00:00Z") && window.until == time("2025-03-05T00:00:00Z"))
        let hours = AggregationWindow(
            since: time("2025-03-03T10:30:00Z"), until: time("2025-03-03T12:00:00Z"), alignedTo: .hour)
        #expect(hours.since == time("2025-03-03T10:00:00Z") && hours.until == time("2025-03-03T12:00:00Z"))
        let before1970 = AggregationWindow(
            since: time("1969-12-31T23:30:00Z"), until: time("1969-12-31T23:45:00Z"), alignedTo: .hour)
        #expect(before1970.since == time("1969-12-31T23:00:00Z") && before1970.until == time("1970-01-01T00:00:00Z"))
    }

    /// Hourly buckets alone leave daily ones alone.
    @Test func oneWidthLeavesTheOtherAlone() throws {
        try withEvents { store, connection in
            let aggregator = MetricAggregator(connection: connection)
            let since = time("2025-03-03T00:00:00Z")
            let until = time("2025-03-05T00:00:00Z")
            _ = try aggregator.run(since: since, until: until, widths: [.day])
            let days = try snapshot(connection)
            let hours = try aggregator.run(since: since, until: until, widths: [.hour])
            #expect(hours.inserted == 8 && hours.removed == 0)
            #expect(try snapshot(connection, where: "m.bucket_width = interval '1 day'") == days)
        }
    }
}
