import ExpctlModel
import ExpctlPostgres
import ExpctlStore
import PostgresTestSupport
import Testing

private func record(score: Double, jobID: String) -> OfflineReplayRecord {
    let rows = ["p1", "p2"].flatMap { id in
        [OfflineReplayRowScores.Role.candidate, .baseline].map { role in
            OfflineReplayRowScores(role: role, rowID: id, scores: [0.5, 1, 0.25, 1, 0.75, 0.9], violations: 0)
        }
    }
    return OfflineReplayRecord(
        modelName: "planner_model", modelVersion: "2", baselineVersion: "1", datasetVersion: "planner/2025-01-10",
        datasetDigest: String(repeating: "c", count: 64), scorerVersion: EvaluationIdentity.scorerVersion,
        runID: "run1",
        jobID: jobID, metrics: ["plan_alignment_score": .double(0.5)], offlineEvalScore: score,
        baselineMetrics: ["plan_alignment_score": .double(0.4)], baselineScore: 0.7, rows: rows)
}

@Suite("Recording offline replays")
struct OfflineReplayStoreTests {
    @Test func anEvaluationIsRecordedOnceWithItsRowsAndAnotherScoreIsRefused() throws {
        try TestDatabase.with { database in
            let store = ExpStore(connection: try database.connect())
            try store.migrate()
            let job = try #require(
                try store.connection.execute(
                    """
                    INSERT INTO exp.jobs (kind, name, inputs_digest, inputs, source_commit, source_path)
                    VALUES ('evaluation', 'planner-2025-01-10', repeat('a', 64), '{}', 'c', 'training.yaml')
                    RETURNING id::text
                    """
                ).string(0, "id"))
            let first = try store.recordOfflineReplay(record(score: 0.8125, jobID: job))
            #expect(first.inserted)
            #expect(try database.count("exp.offline_replay_rows") == 4)
            let again = try store.recordOfflineReplay(record(score: 0.8125, jobID: job))
            #expect(!again.inserted)
            #expect(again.id == first.id)
            #expect(try database.count("exp.offline_replay_results") == 1)
            #expect(try database.count("exp.offline_replay_rows") == 4)
            let error = try #require(throws: StoreError.self) {
                try store.recordOfflineReplay(record(score: 0.8126, jobID: job))
            }
            #expect(error.description.contains("recorded score 0.8125, this replay gives 0.8126"))
            let stored = try store.connection.execute(
                "SELECT baseline_model_version, rows, baseline_offline_eval_score FROM exp.offline_replay_results")
            #expect(stored.string(0, "baseline_model_version") == "1")
            #expect(stored.int(0, "rows") == 2)
            #expect(stored.double(0, "baseline_offline_eval_score") == 0.7)
        }
    }
}
