import Dispatch
import Synchronization

/// The offline replay: plans for every row of a dataset, scored.
public enum OfflineReplay {
    /// Each model plans every row; one evaluation per model, in the models' order. Each row is
    /// interned once for all models; the models are bound to the scorer's catalogue.
    public static func evaluate(
        models: [ReferenceModel], rows: [DatasetRow], scorer: OfflineScorer
    ) -> [ReplayEvaluation] {
        var replay = Replay(models: models, scorer: scorer, expectedRows: rows.count)
        for row in rows { replay.add(row) }
        return replay.evaluations
    }

    /// Each model plans every row, the rows split into chunks that `concurrency` threads take in
    /// turn. Each row's scores depend on the row alone and the chunks are joined in row order,
    /// so the result is the same as the sequential one for any `concurrency`. `progress` hears
    /// the number of rows done after each chunk, one call at a time, from whichever thread
    /// finished it.
    public static func evaluate(
        models: [ReferenceModel], rows: [DatasetRow], scorer: OfflineScorer, concurrency: Int,
        progress: (@Sendable (_ rowsDone: Int) -> Void)? = nil
    ) -> [ReplayEvaluation] {
        let bound = models.map { $0.rebound(to: scorer.catalog) }
        let chunkSize = 2_048
        let chunkCount = (rows.count + chunkSize - 1) / chunkSize
        let workers = max(1, min(concurrency, chunkCount))
        let finished = Mutex((replays: [Replay?](repeating: nil, count: chunkCount), rowsDone: 0))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for chunk in stride(from: worker, to: chunkCount, by: workers) {
                let range = chunk * chunkSize..<min(rows.count, (chunk + 1) * chunkSize)
                var replay = Replay(boundModels: bound, scorer: scorer, expectedRows: range.count)
                for row in rows[range] { replay.add(row) }
                finished.withLock { state in
                    state.replays[chunk] = replay
                    state.rowsDone += range.count
                    progress?(state.rowsDone)
                }
            }
        }
        let replays = finished.withLock { $0.replays.map { $0! } }
        return Replay.joined(replays, modelCount: bound.count)
    }

    /// Decodes `data.jsonl` and evaluates the models on its rows, the lines split into
    /// `concurrency` ranges evaluated at the same time. Each row's scores depend on the row
    /// alone and the ranges are joined in file order, so the result is the same for any
    /// `concurrency`. A malformed line is reported as the first one in the file.
    public static func evaluate(
        models: [ReferenceModel], datasetJSONL bytes: [UInt8], scorer: OfflineScorer, concurrency: Int
    ) async throws(DatasetDecodingError) -> [ReplayEvaluation] {
        let bound = models.map { $0.rebound(to: scorer.catalog) }
        let chunks = bytes.withUnsafeBufferPointer { JSONLines.chunks(of: $0, count: concurrency) }
        let results = await withTaskGroup(of: (Int, Result<Replay, DatasetDecodingError>).self) { group in
            for (index, chunk) in chunks.enumerated() {
                group.addTask {
                    (index, Result { () throws(DatasetDecodingError) in try replay(bytes, chunk, bound, scorer) })
                }
            }
            var results = [Result<Replay, DatasetDecodingError>?](repeating: nil, count: chunks.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
        var replays: [Replay] = []
        var firstError: DatasetDecodingError?
        for result in results {
            switch result {
            case .success(let replay): replays.append(replay)
            case .failure(let error) where firstError == nil || error.line < firstError!.line: firstError = error
            case .failure: break
            }
        }
        if let firstError { throw firstError }
        return Replay.joined(replays, modelCount: bound.count)
    }

    private static func replay(
        _ bytes: [UInt8], _ chunk: (range: Range<Int>, firstLine: Int), _ models: [ReferenceModel],
        _ scorer: OfflineScorer
    ) throws(DatasetDecodingError) -> Replay {
        var replay = Replay(boundModels: models, scorer: scorer, expectedRows: 0)
        try bytes.withUnsafeBufferPointer { buffer throws(DatasetDecodingError) in
            try JSONLines.forEachLine(in: buffer, range: chunk.range, firstLine: chunk.firstLine) {
                line, number throws(DatasetDecodingError) in
                replay.add(try DatasetDecoder.row(line: line, number: number))
            }
        }
        return replay
    }

    /// Plans given in row order (from a predictions file), scored.
    public static func evaluate(
        predictions: [WeeklyPlan], rows: [DatasetRow], scorer: OfflineScorer
    ) -> ReplayEvaluation {
        precondition(predictions.count == rows.count, "one prediction per row")
        let scores = zip(predictions, rows).map { scorer.score($0, for: $1) }
        return ReplayEvaluation(rowIDs: rows.map(\.rowID), rows: scores)
    }
}

/// The scores of some rows for each model, filled row by row.
private struct Replay: Sendable {
    let models: [ReferenceModel]
    let scorer: OfflineScorer
    var rowIDs: [String] = []
    var scores: [[RowScores]]
    private var caches: [FeaturelessLogits?]

    init(models: [ReferenceModel], scorer: OfflineScorer, expectedRows: Int) {
        self.init(
            boundModels: models.map { $0.rebound(to: scorer.catalog) }, scorer: scorer, expectedRows: expectedRows)
    }

    init(boundModels: [ReferenceModel], scorer: OfflineScorer, expectedRows: Int) {
        models = boundModels
        self.scorer = scorer
        scores = [[RowScores]](repeating: [], count: boundModels.count)
        caches = boundModels.map { FeaturelessLogits(recipeCount: $0.catalog.count) }
        rowIDs.reserveCapacity(expectedRows)
        for index in scores.indices { scores[index].reserveCapacity(expectedRows) }
    }

    /// The row interned once, then planned and scored for every model.
    mutating func add(_ row: DatasetRow) {
        let prepared = scorer.catalog.prepare(row.input)
        let target = scorer.target(for: row, prepared: prepared)
        let candidates = PolicyCandidates(prepared, scorer.catalog)
        for index in models.indices {
            let plan = models[index].planRecipes(for: prepared, candidates: candidates, cache: &caches[index])
            scores[index].append(scorer.score(recipes: plan, against: target))
        }
        rowIDs.append(row.rowID)
    }

    var evaluations: [ReplayEvaluation] { scores.map { ReplayEvaluation(rowIDs: rowIDs, rows: $0) } }

    static func joined(_ parts: [Replay], modelCount: Int) -> [ReplayEvaluation] {
        let rowIDs = parts.flatMap(\.rowIDs)
        return (0..<modelCount).map { model in
            ReplayEvaluation(rowIDs: rowIDs, rows: parts.flatMap { $0.scores[model] })
        }
    }
}
