import ExpctlPlan
import Foundation
import PostgresTestSupport
import Testing

/// The whole lifecycle of a trained model version through the gates, with the real PostgreSQL,
/// MLflow and git: the offline gate, the experiment's traffic, the online gate's verdicts, the
/// promotion to production and the rollback.
@Suite("The gates and the lifecycle, end to end")
struct GateLifecycleCommandTests {
    /// Online gates on acceptance (the goal) and latency (a guardrail), 1,000 units per variant.
    static let gates = """
        gates:
          offline: { min_score_delta: 0.0, min_constraint_respect: 1.0, alpha: 0.05 }
          online:
            max_initial_allocation: 0.10
            min_units_per_variant: 1000
            alpha: 0.05
            metrics:
              - { name: plan_acceptance_rate, direction: increase }
              - { name: latency_ms, direction: decrease, max_regression: 0.10 }

        """

    private func arguments(_ repository: GitFixture, _ database: TestDatabase) throws -> [String] {
        [
            "--repo", repository.path, "--path", "configs", "--database-url", database.url, "--mlflow-url",
            try testMLflowURI(),
        ]
    }

    private func apply(_ source: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let applied = expctl(arguments: ["apply", "--auto-approve", "--skip-jobs"] + source)
        #expect(applied.status == 0, "\(applied.errors)", sourceLocation: sourceLocation)
        return applied.output
    }

    /// Applies, runs the training job (version 2), applies, runs its evaluation with the candidate
    /// scoring `candidateScore`, and applies again; returns that last apply's output.
    private func trainAndEvaluate(
        _ database: TestDatabase, _ model: String, _ source: [String], candidateScore: Double = 0.8
    ) throws -> String {
        _ = apply(source)
        #expect(try completeTrainingJob(database, model: model) == "2")
        _ = apply(source)
        try completeEvaluationJob(database, candidateScore: candidateScore)
        return apply(source)
    }

    /// The example with version 1 in production and the trained version 2 a candidate that passed
    /// the offline gate, its variant live at 10%.
    private func candidateLive(_ database: TestDatabase) throws -> (GitFixture, String, [String]) {
        let model = try registerTestModel(versions: 1)
        let repository = try exampleRepository(model: model)
        try repository.write("configs/gates.yaml", Self.gates)
        try repository.commitAll("Gate on acceptance and latency")
        let source = try arguments(repository, database)
        let live = try trainAndEvaluate(database, model, source)
        #expect(live.contains("offline gate for \(model)/2 (profile default): pass"), "\(live)")
        #expect(try database.count("exp.variants") == 2)
        return (repository, model, source)
    }

    private func simulate(_ database: TestDatabase, units: Int, seed: Int, _ extra: [String] = []) {
        let result = expctl(
            arguments: [
                "simulate", "--experiment", "planner_policy_exp", "--units", String(units), "--days", "7", "--seed",
                String(seed),
                "--database-url", database.url,
            ] + extra)
        #expect(result.status == 0, "\(result.errors)")
    }

    private func promote(_ repository: GitFixture, _ model: String, allocations: (String, String)? = nil) throws {
        try repository.write(
            "configs/promotions.yaml",
            """
            promotions:
              - { model: \(model), training: planner-2025-01-10, stage: production }

            """)
        if let (control, candidate) = allocations {
            let experiment = ExampleTree.files[ExampleTree.experimentFile]!
                .replacingOccurrences(of: "allocation: 0.9", with: "allocation: \(control)")
                .replacingOccurrences(of: "allocation: 0.1", with: "allocation: \(candidate)")
            try repository.write(ExampleTree.experimentFile, experiment)
        }
        try repository.commitAll("Promote the trained planner")
    }

    @Test func aPassPromotesToProductionRetiresTheBaselineAndARollbackNeedsNoGate() throws {
        try TestDatabase.with { database in
            let (repository, model, source) = try candidateLive(database)
            simulate(database, units: 30_000, seed: 7, ["--effect", "leftovers_v2:plan_acceptance_rate=+0.25"])
            let assignedBefore = try database.connect().execute(
                "SELECT unit_id, variant_id::text FROM exp.assignments ORDER BY unit_id"
            ).rows.count
            try promote(repository, model, allocations: ("0", "1"))
            let plan = expctl(arguments: ["plan"] + source)
            #expect(
                plan.output.contains(
                    "online gate for planner_policy_exp/leftovers_v2 (profile default): pass: "
                        + "plan_acceptance_rate +"), "\(plan.output)")
            #expect(plan.output.contains("assigned units would land in another variant if assignment were not sticky"))
            let applied = apply(source)
            #expect(applied.contains("Apply complete!"), "\(applied)")
            let state = try #require(try testMLflowClient().registeredModel(model))
            #expect(state.versions["2"]?.stage == .production)
            #expect(state.versions["1"]?.stage == .archived)
            #expect(state.aliases["production"] == "2")
            let variants = try database.connect().execute(
                "SELECT name, allocation::text AS allocation FROM exp.variants ORDER BY name")
            #expect(
                variants.rows.indices.map { "\(variants.string($0, "name")!) \(variants.string($0, "allocation")!)" }
                    == ["control 0.0000", "leftovers_v2 1.0000"])
            // Sticky: the allocation change moved nobody.
            let moved =
                try database.connect().execute(
                    """
                    SELECT count(*) AS n FROM exp.assignments a JOIN exp.variants v ON v.id = a.variant_id
                    WHERE v.name = 'leftovers_v2'
                    """
                ).int(0, "n") ?? 0
            #expect(moved > 0 && moved < Int64(assignedBefore) / 5)
            let decisions = try database.connect().execute(
                "SELECT gate, verdict, evidence->>'headline' AS headline FROM exp.gate_decisions WHERE subject = $1",
                [.text("\(model)/2")])
            #expect(
                decisions.rows.indices.contains {
                    decisions.string($0, "headline")?.hasPrefix(
                        "promote: \(model)/2 candidate → production (offline gate passed, online gate passed)") == true
                })
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + source).status == 0)

            // Git puts version 1 back: a rollback, with no gate, recorded as one.
            try repository.write(
                "configs/promotions.yaml",
                """
                promotions:
                  - { model: \(model), version: 1, stage: production }

                """)
            try repository.commitAll("Roll back to version 1")
            _ = apply(source)
            let back = try #require(try testMLflowClient().registeredModel(model))
            #expect(back.versions["1"]?.stage == .production)
            #expect(back.versions["2"]?.stage == .archived)
            let rollback = try database.connect().execute(
                "SELECT evidence->>'headline' AS headline FROM exp.gate_decisions WHERE gate = 'lifecycle' AND subject = $1",
                [.text("\(model)/1")])
            #expect(
                rollback.rows.indices.contains {
                    rollback.string($0, "headline")
                        == "rollback: \(model)/1 archived → production (a rollback needs no gate)"
                },
                "\(rollback.rows.indices.map { rollback.string($0, "headline") ?? "" })")
        }
    }

    /// What the online gate says, and what that does to the promotion, for traffic that does not pass.
    @Test(arguments: [
        ("waiting", 3_000, [String](), "waiting: "),
        ("fail", 30_000, ["--effect", "leftovers_v2:plan_acceptance_rate=-0.25"], "fail: "),
        ("inconclusive", 30_000, [String](), "inconclusive: "),
        ("blocked", 30_000, ["--drop", "leftovers_v2=0.3"], "blocked: sample-ratio mismatch"),
    ])
    func verdictsThatDoNotPassNeverPromote(verdict: String, units: Int, traffic: [String], headline: String) throws {
        try TestDatabase.with { database in
            let (repository, model, source) = try candidateLive(database)
            simulate(database, units: units, seed: 11, traffic)
            try promote(repository, model)
            let plan = expctl(arguments: ["plan", "--format", "json"] + source)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(plan.output.utf8)) as? [String: Any])
            let gates = try #require(document["gates"] as? [[String: Any]])
            let online = try #require(gates.first { $0["gate"] as? String == "online" })
            #expect(online["verdict"] as? String == verdict, "\(online["headline"] ?? "")")
            #expect((online["headline"] as? String)?.hasPrefix(headline) == true, "\(online["headline"] ?? "")")
            _ = apply(source)
            let state = try #require(try testMLflowClient().registeredModel(model))
            #expect(state.versions["2"]?.stage == .candidate)
            #expect(state.versions["1"]?.stage == .production)
            let recorded = try database.connect().execute(
                "SELECT verdict FROM exp.gate_decisions WHERE gate = 'online' ORDER BY id DESC LIMIT 1")
            #expect(recorded.rows.count == 1 && recorded.string(0, "verdict") == verdict)
        }
    }

    @Test func aVariantAboveTheCapIsBlockedAndARaiseWaitsOnTheOnlineGate() throws {
        try TestDatabase.with { database in
            let (repository, _, source) = try candidateLive(database)
            let experiment =
                ExampleTree.files[ExampleTree.experimentFile]!
                .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.2")
                .replacingOccurrences(of: "allocation: 0.1", with: "allocation: 0.5")
                    + """
                          - name: pantry_first
                            allocation: 0.3
                            policy_version: planner_policy@2

                    """
            try repository.write(ExampleTree.experimentFile, experiment)
            try repository.commitAll("Too much traffic for an unproven model")
            let plan = expctl(arguments: ["plan"] + source)
            #expect(
                plan.output.contains(
                    "blocked: variant pantry_first of planner_policy_exp would give 30% of traffic to "),
                "\(plan.output)")
            #expect(
                plan.output.contains("waits on online gate for planner_policy_exp/leftovers_v2: waiting"),
                "\(plan.output)")
            _ = apply(source)
            let variants = try database.connect().execute(
                "SELECT name, allocation::text AS allocation FROM exp.variants ORDER BY name")
            #expect(
                variants.rows.indices.map { "\(variants.string($0, "name")!) \(variants.string($0, "allocation")!)" }
                    == ["control 0.9000", "leftovers_v2 0.1000"])
        }
    }

    @Test func aCandidateFailingTheOfflineGateIsNeverWrittenAndItsEvidenceIsKept() throws {
        try TestDatabase.with { database in
            let model = try registerTestModel(versions: 1)
            let repository = try exampleRepository(model: model)
            let source = try arguments(repository, database)
            let failed = try trainAndEvaluate(database, model, source, candidateScore: 0.6)
            #expect(
                failed.contains("offline gate for \(model)/2 (profile default): fail: offline score 0.6"), "\(failed)")
            #expect(failed.contains("blocked: offline gate for \(model)/2 (evaluation job "), "\(failed)")
            #expect(try database.count("exp.policy_versions") == 1)
            #expect(try database.count("exp.variants") == 1)
            let state = try #require(try testMLflowClient().registeredModel(model))
            #expect(
                state.versions["2"]?.tags["expctl.offline_gate"]
                    == "fail: offline_eval_score, no_degradation.plan_alignment_score")
            #expect(state.versions["2"]?.stage == nil)
            let decision = try database.connect().execute(
                """
                SELECT verdict, baseline_model_version, dataset_digest, evidence->>'headline' AS headline,
                       jsonb_array_length(evidence->'criteria') AS criteria
                FROM exp.gate_decisions WHERE gate = 'offline'
                """)
            #expect(decision.rows.count == 1)
            #expect(decision.rows.count == 1 && decision.string(0, "verdict") == "fail")
            #expect(decision.rows.count == 1 && decision.string(0, "baseline_model_version") == "1")
            #expect(
                decision.rows.count == 1 && decision.string(0, "headline")?.hasPrefix("fail: offline score 0.6") == true
            )
            #expect(decision.rows.count == 1 && (decision.int(0, "criteria") ?? 0) >= 3)
            // Applying again records nothing new and writes nothing.
            let recorded = try database.count("exp.gate_decisions")
            _ = apply(source)
            #expect(try database.count("exp.gate_decisions") == recorded)
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + source).status == 0)
        }
    }

    @Test func theFirstModelIsJudgedAloneAndGoesToProductionWithTheOfflineGate() throws {
        try TestDatabase.with { database in
            // Version 1 exists but was never in production: the trained version is the model's first.
            let model = try registerTestModel(versions: 1, productionBefore: [])
            let repository = try exampleRepository(model: model)
            try repository.write(
                ExampleTree.promotionsFile,
                """
                promotions:
                  - { model: \(model), training: planner-2025-01-10, stage: production }

                """)
            try repository.commitAll("The trained planner is the first in production")
            let source = try arguments(repository, database)
            let promoted = try trainAndEvaluate(database, model, source)
            #expect(promoted.contains("pass: first model: no production version to compare with"), "\(promoted)")
            let state = try #require(try testMLflowClient().registeredModel(model))
            #expect(state.versions["2"]?.stage == .production)
            #expect(state.aliases["production"] == "2")
            let evaluation = try database.connect().execute(
                "SELECT baseline_model_version FROM exp.gate_decisions WHERE gate = 'offline'")
            #expect(evaluation.rows.count == 1 && evaluation.string(0, "baseline_model_version") == nil)
            let record = try database.connect().execute(
                "SELECT evidence->>'headline' AS headline FROM exp.gate_decisions WHERE gate = 'lifecycle'")
            #expect(
                record.rows.indices.contains {
                    record.string($0, "headline") == "promote: \(model)/2 none → production "
                        + "(offline gate passed; the model's first production version)"
                })
        }
    }
}
