import ExpctlTraining
import Foundation

/// Measures the offline replay on the rows of a built dataset: decoding `data.jsonl`, then two
/// reference models (one trained on 20,000 rows, one on 200) planning and being scored on the
/// same `rows` rows, as rows per second with both models scored.
struct EvaluationBenchmark {
    var folder: URL
    var rows: Int

    func run() throws {
        let clock = ContinuousClock()
        var start = clock.now
        let bytes = try Array(Data(contentsOf: folder.appendingPathComponent("data.jsonl")))
        let all = try DatasetDecoder.rows(jsonl: bytes)
        let decodeTime = clock.now - start
        let catalog = try RecipeCatalog(jsonl: Array(Data(contentsOf: folder.appendingPathComponent("recipes.jsonl"))))
        guard all.count >= rows + 20_000 else {
            throw BenchmarkErrorText("the dataset has \(all.count) rows; the evaluation needs \(rows + 20_000)")
        }
        let evaluated = Array(all.suffix(rows))
        let hyperparameters = ReferenceHyperparameters(learningRate: 0.05, epochs: 1, batchSize: 64, seed: 1)
        let config = ReferenceTrainingConfig(
            baseModel: "bench", datasetVersion: "bench", hyperparameters: hyperparameters)
        start = clock.now
        let large = try ReferenceTrainer(config: config).train(rows: Array(all.prefix(20_000)), catalog: catalog).model
        let trainTime = clock.now - start
        let small = try ReferenceTrainer(config: config).train(rows: Array(all.prefix(200)), catalog: catalog).model
        start = clock.now
        let scored = OfflineReplay.evaluate(
            models: [large, small], rows: evaluated, scorer: OfflineScorer(catalog: catalog))
        let evaluateTime = clock.now - start
        // The evaluation job's path: the decoded rows on every core.
        let concurrency = ProcessInfo.processInfo.activeProcessorCount
        start = clock.now
        let everyCore = OfflineReplay.evaluate(
            models: [large, small], rows: evaluated, scorer: OfflineScorer(catalog: catalog), concurrency: concurrency)
        let everyCoreTime = clock.now - start
        guard everyCore.map(\.rows) == scored.map(\.rows) else {
            throw BenchmarkErrorText("the replay on every core scored differently from the sequential one")
        }
        // The same rows straight from their bytes, decoded and replayed in two ranges at once.
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).suffix(rows)
        var joined: [UInt8] = []
        for line in lines { joined += line + [UInt8(ascii: "\n")] }
        let tail = joined
        start = clock.now
        let fromBytes = try blocking {
            try await OfflineReplay.evaluate(
                models: [large, small], datasetJSONL: tail, scorer: OfflineScorer(catalog: catalog),
                concurrency: concurrency)
        }
        let concurrentTime = clock.now - start
        guard fromBytes.map(\.rows) == scored.map(\.rows) else {
            throw BenchmarkErrorText("the concurrent replay scored differently from the sequential one")
        }
        let weights = [
            "plan_alignment_score": 0.4, "meal_diversity_score": 0.2, "leftovers_utility_score": 0.2,
            "constraint_respect_score": 0.2,
        ]
        print("offline replay on \(rows) rows of \(folder.lastPathComponent) (\(all.count) rows in data.jsonl)")
        print(
            String(
                format: "  decode data.jsonl: %.2f s = %.0f rows/s", decodeTime.seconds,
                Double(all.count) / decodeTime.seconds))
        print(String(format: "  train the 20,000-row model (1 epoch): %.2f s", trainTime.seconds))
        print(
            String(
                format: "  plan + score, both models, one thread: %.2f s = %.0f rows/s (target >= 50,000)",
                evaluateTime.seconds,
                Double(rows) / evaluateTime.seconds))
        print(
            String(
                format: "  plan + score, both models, %d threads (the evaluation job): %.2f s = %.0f rows/s "
                    + "(same scores)", concurrency, everyCoreTime.seconds, Double(rows) / everyCoreTime.seconds))
        print(
            String(
                format: "  decode + plan + score from data.jsonl's bytes, %d at once: %.2f s = %.0f rows/s "
                    + "(same scores)", concurrency, concurrentTime.seconds, Double(rows) / concurrentTime.seconds))
        print(
            String(
                format: "  offline_eval_score: 20,000 rows %.4f, 200 rows %.4f",
                try scored[0].offlineEvalScore(weights: weights), try scored[1].offlineEvalScore(weights: weights)))
    }
}

/// Waits for `body`, an async call, on this thread (the benchmark has no other work).
private func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, any Error>?
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try result!.get()
}
