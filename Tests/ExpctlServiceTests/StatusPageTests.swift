import ExpctlPostgres
import ExpctlService
import ExpctlServing
import Foundation
import PostgresTestSupport
import Testing

@Suite("expctl serve: the status page in a browser", .serialized)
struct StatusPageTests {
    /// A tree whose treatment variant waits on a training job (no worker runs it here).
    static func writeTree(_ repository: GitFixture) throws {
        try ServiceTree.write(repository)
        try repository.write(
            "configs/training/planner.yaml",
            """
            training:
              - name: planner-train
                task: planner
                policy: planner_policy
                model_name: planner_model
                base_model: llama-3-8b
                dataset_version: planner/2025-01-10
                learning_rate: 1.0e-4
                epochs: 3
                batch_size: 16
                fine_tuning_method: lora
                seed: 42
                runner: builtin

            """)
        try repository.write(
            "configs/policies/planner.yaml",
            """
            policies:
              - name: planner_policy
                versions:
                  - version: 1
                    mlflow_model_name: planner_model
                    mlflow_model_version: 1
                  - version: 2
                    mlflow_model_name: planner_model
                    training: planner-train

            """)
    }

    /// A week of daily aggregates for both variants, and five looks of the online gate whose
    /// interval narrows.
    static func writeHistory(_ connection: PostgresConnection) throws {
        try connection.execute(
            """
            INSERT INTO exp.metric_aggregates (experiment_id, variant_id, metric_name, bucket_start, bucket_width, count,
                                               sum, mean, variance)
            SELECT v.experiment_id, v.id, m.name, date_trunc('day', now()) - d * interval '1 day', interval '1 day',
                   CASE m.name WHEN 'events:plan_generated' THEN 200
                               ELSE 110 + d * 3 + CASE v.name WHEN 'treatment' THEN 18 ELSE 0 END END,
                   0, 1, 0
            FROM exp.variants v, generate_series(0, 6) AS d,
                 (VALUES ('events:plan_generated'), ('events:plan_accepted')) AS m (name)
            """)
        let experiment = try connection.execute("SELECT id::text FROM exp.experiments").string(0, "id")!
        for look in 1...5 {
            let width = 0.30 / Double(look)
            let evidence = """
                {"headline": "look \(look)", "criteria": [{"name": "plan_acceptance_rate", "outcome": "unknown", "text": "",
                 "figures": [{"name": "plan_acceptance_rate.relative_effect", "value": 0.12},
                             {"name": "plan_acceptance_rate.lower", "value": \(0.12 - width)},
                             {"name": "plan_acceptance_rate.upper", "value": \(0.12 + width)}]}]}
                """
            try connection.execute(
                """
                INSERT INTO exp.gate_decisions (subject, gate, verdict, profile, experiment_id, evidence, evidence_digest,
                                                commit_sha, decided_at)
                VALUES ('planner_exp/treatment', 'online', 'waiting', 'default', $1, $2::jsonb, repeat('a', 64), 'c',
                        now() - ($3 || ' hours')::interval)
                """, [.text(experiment), .json(evidence), .integer(Int64(24 * (5 - look)))])
        }
    }

    @Test func theStatusPageShowsAWaitingActionWithItsEvidenceInHeadlessChromium() async throws {
        try await TestDatabase.withAsync { database in
            let repository = try GitFixture()
            try Self.writeTree(repository)
            try repository.commitAll("a policy version from a training")
            let state = ServiceState()
            let snapshots = SnapshotHolder()
            let page = StatusPageSource(
                state: state, snapshots: snapshots, database: database.settings(), source: "demo main configs",
                mlflowUIBase: "http://mlflow.invalid")
            defer { page.shutdown() }
            let service = try await RunningService(
                repository: repository, database: database, state: state, statusPage: { await page.render() })
            try await service.waitFor { state.lastPlan != nil && !state.passes.isEmpty }
            let connection = try database.connect()
            try Self.writeHistory(connection)
            snapshots.replace(with: try ServingSnapshot.read(connection))
            let url = "http://127.0.0.1:\(service.port)/"
            let dom = try await HeadlessChromium.dumpDOM(url)
            #expect(dom.contains(#"data-state="waiting""#), "\(dom.prefix(2000))")
            #expect(dom.contains("job training planner-train"), "the evidence names the job it waits on")
            #expect(dom.contains(#"data-experiment="planner_exp""#))
            #expect(dom.contains(#"aria-label="planner_exp plan_acceptance_rate""#), "the metric's chart")
            #expect(dom.contains(#"class="band""#), "the online gate's interval, drawn as it narrows")
            let shot = try await HeadlessChromium.screenshot(url, name: "status-page.png")
            let size = try FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int ?? 0
            #expect(size > 10_000, "a screenshot of a rendered page, not a blank one")
            try await service.stop()
        }
    }
}
