import ExpctlPostgres
import PostgresTestSupport
import Testing

/// The Metabase views of docs/metabase.md after a simulate and an aggregate, against the events
/// and rows they summarise.
@Suite("The Metabase views")
struct MetabaseViewTests {
    /// Simulated traffic over 2–4 February 2025, aggregated, an offline replay of the
    /// candidate's model and two decisions of each gate.
    private func withTrafficAndEvaluations(_ body: (PostgresConnection) throws -> Void) throws {
        try withRunningExperiment { database, connection in
            let simulate = expctl(arguments: [
                "simulate", "--experiment", "planner_policy_exp", "--units", "600", "--days", "3", "--seed", "8",
                "--start", "2025-02-02T00:00:00Z", "--effect", "candidate:plan_acceptance_rate=+0.1",
                "--database-url", database.url,
            ])
            #expect(simulate.status == 0, "\(simulate.errors)")
            let aggregate = expctl(arguments: [
                "aggregate", "--since", "2025-02-01T00:00:00Z", "--until", "2025-02-06T00:00:00Z", "--database-url",
                database.url,
            ])
            #expect(aggregate.status == 0, "\(aggregate.errors)")
            try connection.execute(
                """
                INSERT INTO exp.offline_replay_results (mlflow_model_name, mlflow_model_version, dataset_version,
                    metrics, offline_eval_score, baseline_model_version, baseline_metrics, baseline_offline_eval_score,
                    rows, created_at)
                VALUES ('planner_model', '2', 'planner/2025-02-01',
                        '{"plan_alignment_score": 0.8, "constraint_respect_score": 1, "edit_distance_score": 0.7}',
                        0.84, '1', '{"plan_alignment_score": 0.75}', 0.81, 120, '2025-02-01T12:00:00Z')
                """)
            for (gate, subject, verdict) in [
                ("offline", "planner_model/2", "waiting"), ("offline", "planner_model/2", "pass"),
                ("online", "planner_policy_exp/candidate", "waiting"),
                ("online", "planner_policy_exp/candidate", "pass"),
            ] {
                try connection.execute(
                    """
                    INSERT INTO exp.gate_decisions (subject, gate, verdict, profile, mlflow_model_name,
                        mlflow_model_version, experiment_id, evidence, evidence_digest, commit_sha)
                    VALUES ($2, $1, $3, 'default', 'planner_model', '2',
                            CASE WHEN $1 = 'online' THEN (SELECT id FROM exp.experiments) END,
                            jsonb_build_object('headline', $3 || ': ' || $2), repeat('a', 64), 'c0ffee')
                    """, [.text(gate), .text(subject), .text(verdict)])
            }
            try body(connection)
        }
    }

    private func value(_ connection: PostgresConnection, _ sql: String) throws -> Double? {
        try connection.execute(sql).double(0, "v")
    }

    @Test func theExperimentOverviewCountsUnitsPlansAndTheLatestOnlineVerdict() throws {
        try withTrafficAndEvaluations { connection in
            let overview = try connection.execute("SELECT * FROM exp.v_experiment_overview")
            #expect(overview.rows.count == 1)
            #expect(overview.string(0, "experiment_name") == "planner_policy_exp")
            #expect(overview.int(0, "units") == 600 && overview.int(0, "live_variants") == 2)
            let events = try connection.execute(
                """
                SELECT count(*) FILTER (WHERE event_type = 'plan_generated') AS generated,
                       count(*) FILTER (WHERE event_type = 'plan_accepted') AS accepted
                FROM exp.events
                """)
            #expect(overview.int(0, "plans_generated") == events.int(0, "generated"))
            #expect(overview.int(0, "plans_accepted") == events.int(0, "accepted"))
            #expect(overview.string(0, "first_day")?.hasPrefix("2025-02-02") == true)
            #expect(overview.string(0, "online_gate_verdict") == "pass")
        }
    }

    @Test func theVariantComparisonIsEachVariantAgainstTheBaseline() throws {
        try withTrafficAndEvaluations { connection in
            let rows = try connection.execute(
                "SELECT * FROM exp.v_variant_comparison ORDER BY variant_name, metric_name")
            #expect(rows.rows.count == 10)
            let metrics = rows.rows.indices.compactMap { rows.string($0, "metric_name") }
            #expect(
                Array(metrics.prefix(5)) == [
                    "cost_usd", "edit_count", "latency_ms", "plan_acceptance_rate", "validator_intervention_rate",
                ])
            for row in rows.rows.indices where rows.string(row, "variant_name") == "control" {
                #expect(rows.bool(row, "is_baseline") == true && rows.double(row, "relative_difference") == 0)
            }
            let direct = try value(
                connection,
                """
                SELECT (count(*) FILTER (WHERE e.event_type = 'plan_accepted'))::float8
                       / count(*) FILTER (WHERE e.event_type = 'plan_generated') AS v
                FROM exp.events e JOIN exp.variants v ON v.id = e.variant_id WHERE v.name = 'candidate'
                """)
            let viewed = try value(
                connection,
                """
                SELECT value AS v FROM exp.v_variant_comparison
                WHERE variant_name = 'candidate' AND metric_name = 'plan_acceptance_rate'
                """)
            #expect(direct != nil && abs((viewed ?? 0) - (direct ?? 1)) < 1e-12)
            let latency = try value(
                connection,
                """
                SELECT abs(c.value - (SELECT avg((metrics->>'latency_ms')::float8) FROM exp.events
                                      WHERE variant_id = c.variant_id AND event_type = 'plan_generated')) AS v
                FROM exp.v_variant_comparison c WHERE c.variant_name = 'control' AND c.metric_name = 'latency_ms'
                """)
            #expect((latency ?? 1) < 1e-9)
            #expect(rows.int(0, "units").map { $0 > 200 } == true)
        }
    }

    @Test func theBucketViewsAddUpToTheEvents() throws {
        try withTrafficAndEvaluations { connection in
            #expect(
                try connection.execute("SELECT count(*) AS n FROM exp.v_variant_metrics").int(0, "n")
                    == connection.execute("SELECT count(*) AS n FROM exp.metric_aggregates").int(0, "n"))
            let named = try connection.execute(
                "SELECT DISTINCT policy_name, mlflow_model_version, variant_name FROM exp.v_variant_metrics ORDER BY 3")
            #expect(
                named.rows == [
                    ["planner_policy_exp_policy", "2", "candidate"], ["planner_policy_exp_policy", "1", "control"],
                ])
            let latencyCost = try connection.execute(
                """
                SELECT bucket_width, sum(plans_generated) AS generated, count(*) AS n,
                       sum(cost_usd_total) AS cost
                FROM exp.v_latency_cost GROUP BY bucket_width ORDER BY bucket_width
                """)
            let generated = try connection.execute(
                """
                SELECT count(*) AS n, sum((metrics->>'cost_usd')::numeric)::float8 AS cost
                FROM exp.events WHERE event_type = 'plan_generated'
                """)
            #expect(latencyCost.rows.map { $0[0] } == ["day", "hour"])
            #expect(latencyCost.int(0, "generated") == generated.int(0, "n"))
            #expect(latencyCost.int(1, "generated") == generated.int(0, "n"))
            #expect(abs((latencyCost.double(0, "cost") ?? 0) - (generated.double(0, "cost") ?? 1)) < 1e-9)
            // Three days of traffic (and acceptances into the fourth), two variants.
            #expect((6...8).contains(latencyCost.int(0, "n") ?? 0))
            // Five metrics per variant and day of traffic (the day after has late acceptances only).
            let daily = try connection.execute(
                "SELECT count(*) AS n FROM exp.v_variant_daily WHERE day < '2025-02-05T00:00:00Z'")
            #expect(daily.int(0, "n") == Int64(3 * 2 * 5))
        }
    }

    @Test func theEvaluationViewsShowOfflineAndOnlineOverTime() throws {
        try withTrafficAndEvaluations { connection in
            let timeline = try connection.execute(
                """
                SELECT evaluation, count(*) AS n, count(DISTINCT metric_name) AS metrics
                FROM exp.v_evaluation_timeline WHERE mlflow_model_version = '2'
                GROUP BY evaluation ORDER BY evaluation
                """)
            #expect(timeline.rows.map { $0[0] } == ["offline", "online"])
            // Three metrics of the replay and its offline_eval_score; five online metrics a day.
            #expect(timeline.int(0, "n") == 4 && timeline.int(1, "metrics") == 5)
            let alignment = try connection.execute(
                """
                SELECT value, baseline_value, baseline_model_version FROM exp.v_evaluation_timeline
                WHERE evaluation = 'offline' AND metric_name = 'plan_alignment_score'
                """)
            #expect(alignment.rows == [["0.8", "0.75", "1"]])
            let online = try connection.execute(
                """
                SELECT count(*) AS n FROM exp.v_evaluation_timeline
                WHERE evaluation = 'online' AND variant_name = 'candidate' AND baseline_model_version = '1'
                  AND baseline_value IS NOT NULL AND at < '2025-02-05T00:00:00Z'
                """)
            #expect(online.int(0, "n") == Int64(3 * 5))

            let quality = try connection.execute("SELECT * FROM exp.v_model_quality")
            #expect(quality.rows.count == 1)
            #expect(quality.double(0, "plan_alignment_score") == 0.8)
            #expect(abs((quality.double(0, "score_delta") ?? 0) - 0.03) < 1e-12)
            #expect(quality.string(0, "meal_diversity_score") == nil)
            #expect(
                quality.string(0, "offline_gate_verdict") == "pass"
                    && quality.string(0, "online_gate_verdict") == "pass")

            let history = try connection.execute(
                "SELECT gate, verdict, previous_verdict, headline, experiment_name FROM exp.v_gate_history ORDER BY id")
            #expect(
                history.rows == [
                    ["offline", "waiting", nil, "waiting: planner_model/2", nil],
                    ["offline", "pass", "waiting", "pass: planner_model/2", nil],
                    ["online", "waiting", nil, "waiting: planner_policy_exp/candidate", "planner_policy_exp"],
                    ["online", "pass", "waiting", "pass: planner_policy_exp/candidate", "planner_policy_exp"],
                ])
        }
    }
}
