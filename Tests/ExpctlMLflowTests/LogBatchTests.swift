import ExpctlHTTP
import ExpctlMLflow
import Testing

private func keyed(_ prefix: String, _ count: Int) -> [String: String] {
    Dictionary(uniqueKeysWithValues: (0..<count).map { ("\(prefix)\($0)", "v\($0)") })
}

private func metrics(_ count: Int) -> [MLflowMetric] {
    (0..<count).map { MLflowMetric(key: "m\($0)", value: Double($0) / 4, timestamp: 1_700_000_000_000 + Int64($0), step: Int64($0)) }
}

@Suite("Splitting a log batch into requests MLflow accepts")
struct LogBatchSplittingTests {
    @Test func eachRequestKeepsWithinEveryLimitAndNothingIsLost() throws {
        let batch = try MLflowBatch(params: keyed("p", 250), tags: keyed("t", 150), metrics: metrics(2500))
        let requests = batch.requests
        // 100p+100t+800m, 100p+50t+850m, 50p+850m.
        #expect(requests.map(\.params.count) == [100, 100, 50])
        #expect(requests.map(\.tags.count) == [100, 50, 0])
        #expect(requests.map(\.metrics.count) == [800, 850, 850])
        for request in requests {
            #expect(request.params.count <= MLflowBatch.maxParamsPerRequest)
            #expect(request.tags.count <= MLflowBatch.maxTagsPerRequest)
            #expect(request.params.count + request.tags.count + request.metrics.count <= MLflowBatch.maxEntriesPerRequest)
        }
        #expect(requests.reduce(into: [:]) { $0.merge($1.params) { _, new in new } } == batch.params)
        #expect(requests.reduce(into: [:]) { $0.merge($1.tags) { _, new in new } } == batch.tags)
        #expect(requests.flatMap(\.metrics) == batch.metrics)
    }

    @Test func smallAndEmptyBatches() throws {
        #expect(try MLflowBatch().requests.isEmpty)
        #expect(try MLflowBatch(params: keyed("p", 100), tags: keyed("t", 100), metrics: metrics(800)).requests.count == 1)
        #expect(try MLflowBatch(params: keyed("p", 100), tags: keyed("t", 100), metrics: metrics(801)).requests.count == 2)
        #expect(try MLflowBatch(metrics: metrics(1000)).requests.count == 1)
        #expect(try MLflowBatch(metrics: metrics(1001)).requests.map(\.metrics.count) == [1000, 1])
    }

    @Test func valuesMLflowWouldCutAreRefused() throws {
        _ = try MLflowBatch(params: ["p": String(repeating: "x", count: 6000)], tags: ["t": String(repeating: "y", count: 8000)])
        let param = try #require(throws: MLflowBatchError.self) {
            try MLflowBatch(params: ["lr": String(repeating: "x", count: 6001)])
        }
        #expect(param == MLflowBatchError(entry: .param, key: "lr", problem: .valueTooLong(length: 6001, limit: 6000)))
        #expect(param.description.contains("silently cut"))
        let tag = try #require(throws: MLflowBatchError.self) {
            try MLflowBatch(tags: ["note": String(repeating: "é", count: 8001)])
        }
        #expect(tag.problem == .valueTooLong(length: 8001, limit: 8000))
        let key = try #require(throws: MLflowBatchError.self) {
            try MLflowBatch(metrics: [MLflowMetric(key: String(repeating: "k", count: 251), value: 1, timestamp: 1)])
        }
        #expect(key.problem == .keyTooLong(length: 251, limit: 250))
        #expect(throws: MLflowBatchError.self) { try MLflowBatch(tags: ["": "x"]) }
    }
}

@Suite("Logging a batch on a real MLflow server")
struct LogBatchClientTests {
    @Test func aLargeBatchLandsWholeInAsManyRequestsAsTheLimitsNeed() throws {
        let transport = CurlTransport()
        let mlflow = try liveMLflow(transport: transport)
        let experiment = try freshExperiment(mlflow, "batch_large")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "big", startTime: 1_700_000_000_000)
        let batch = try MLflowBatch(params: keyed("p", 250), tags: keyed("t", 150), metrics: metrics(2500))
        let before = transport.requestCount
        try mlflow.logBatch(runID: id, batch)
        #expect(transport.requestCount - before == 3)
        let run = try #require(try mlflow.run(id: id))
        #expect(run.params == batch.params)
        #expect(run.tags.filter { $0.key.hasPrefix("t") } == batch.tags)
        #expect(run.metrics.count == 2500)
        #expect(run.metrics["m7"] == MLflowMetric(key: "m7", value: 1.75, timestamp: 1_700_000_000_007, step: 7))
        // Sending the same batch again (a retry after a failure part-way) is accepted.
        try mlflow.logBatch(runID: id, batch)
        #expect(try mlflow.run(id: id)?.params == batch.params)
    }

    @Test func latestMetricValuesAndNonFiniteValuesReadBack() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "batch_metrics")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "m", startTime: 1_700_000_000_000)
        try mlflow.logBatch(
            runID: id,
            try MLflowBatch(metrics: [
                MLflowMetric(key: "loss", value: 0.5, timestamp: 1_700_000_000_000, step: 0),
                MLflowMetric(key: "loss", value: 0.25, timestamp: 1_700_000_001_000, step: 1),
                MLflowMetric(key: "nan", value: .nan, timestamp: 1_700_000_000_000),
                MLflowMetric(key: "whole", value: 3, timestamp: 1_700_000_000_000),
            ]))
        let metrics = try #require(try mlflow.run(id: id)).metrics
        #expect(metrics["loss"] == MLflowMetric(key: "loss", value: 0.25, timestamp: 1_700_000_001_000, step: 1))
        #expect(metrics["nan"]?.value.isNaN == true)
        #expect(metrics["whole"]?.value == 3)
    }

    @Test func changingAParamIsRefusedByTheServer() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "batch_param")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "p", startTime: 1_700_000_000_000)
        try mlflow.logBatch(runID: id, try MLflowBatch(params: ["lr": "0.01"]))
        let changed = try #require(throws: MLflowError.self) { try mlflow.logBatch(runID: id, try MLflowBatch(params: ["lr": "0.02"])) }
        #expect(changed.kind == .api(code: "INVALID_PARAMETER_VALUE"))
        let missingRun = try #require(throws: MLflowError.self) { try mlflow.logBatch(runID: "nope", try MLflowBatch(params: ["a": "b"])) }
        #expect(missingRun.isNotFound)
    }
}
