import ExpctlMLflow
import Testing

@Suite("Runs against a real MLflow server")
struct RunClientTests {
    @Test func aCreatedRunReadsBack() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "runs_read")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "train-1", startTime: 1_700_000_000_000, tags: ["expctl.commit": "abc"])
        let run = try #require(try mlflow.run(id: id))
        #expect(run.id == id)
        #expect(run.experimentID == experiment.id)
        #expect(run.name == "train-1")
        #expect(run.status == .running)
        #expect(run.startTime == 1_700_000_000_000)
        #expect(run.endTime == nil)
        #expect(run.artifactURI == "mlflow-artifacts:/\(experiment.id)/\(id)/artifacts")
        #expect(run.tags == ["expctl.commit": "abc", "mlflow.runName": "train-1"])
        #expect(run.params.isEmpty)
        #expect(run.metrics.isEmpty)
        #expect(try mlflow.run(id: "0123456789abcdef0123456789abcdef") == nil)
    }

    @Test func updateEndsAndRenamesARun() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "runs_update")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "train", startTime: 1_700_000_000_000)
        try mlflow.updateRun(id: id, status: .finished, endTime: 1_700_000_100_000)
        try mlflow.updateRun(id: id, status: .finished, endTime: 1_700_000_100_000)
        try mlflow.updateRun(id: id, name: "train-renamed")
        let run = try #require(try mlflow.run(id: id))
        #expect(run.status == .finished)
        #expect(run.status.isTerminal)
        #expect(run.endTime == 1_700_000_100_000)
        #expect(run.name == "train-renamed")
        #expect(run.tags["mlflow.runName"] == "train-renamed")
        let missing = try #require(throws: MLflowError.self) { try mlflow.updateRun(id: "nope", status: .killed) }
        #expect(missing.isNotFound)
    }

    @Test func searchByTagFindsOnlyTheTaggedRunsOldestFirst() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "runs_search")
        let second = try mlflow.createRun(
            experimentID: experiment.id, name: "b", startTime: 1_700_000_002_000, tags: ["expctl.training": "t", "expctl.commit": "c1"])
        let first = try mlflow.createRun(
            experimentID: experiment.id, name: "a", startTime: 1_700_000_001_000, tags: ["expctl.training": "t", "expctl.commit": "c1"])
        _ = try mlflow.createRun(experimentID: experiment.id, name: "other", startTime: 1_700_000_003_000, tags: ["expctl.training": "u"])
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.training": "t"]).map(\.id) == [first, second])
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.training": "t", "expctl.commit": "c1"]).count == 2)
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.training": "t", "expctl.commit": "c2"]).isEmpty)
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.training": "nobody"]).isEmpty)
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: [:]).count == 3)
        #expect(try mlflow.searchRuns(experimentIDs: [], filter: "").isEmpty)
    }

    @Test func searchReadsEveryPage() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "runs_pages")
        var created: [String] = []
        for index in 0..<5 {
            created.append(try mlflow.createRun(experimentID: experiment.id, name: "r\(index)", startTime: 1_700_000_000_000 + Int64(index), tags: ["k": "v"]))
        }
        let runs = try mlflow.searchRuns(
            experimentIDs: [experiment.id], filter: "tags.`k` = 'v'", orderBy: ["attributes.start_time ASC"], pageSize: 2)
        #expect(runs.map(\.id) == created)
    }

    @Test func aTagValueWithASingleQuoteIsFound() throws {
        let mlflow = try liveMLflow()
        let experiment = try freshExperiment(mlflow, "runs_quote")
        let id = try mlflow.createRun(experimentID: experiment.id, name: "q", startTime: 1_700_000_000_000, tags: ["who": "o'brien"])
        #expect(try mlflow.runs(experimentID: experiment.id, taggedWith: ["who": "o'brien"]).map(\.id) == [id])
        let unsearchable = try #require(throws: MLflowError.self) {
            try mlflow.runs(experimentID: experiment.id, taggedWith: ["who": #"o'brien "the" 2nd"#])
        }
        #expect(unsearchable.status == nil)
        #expect(unsearchable.kind == .refused)
    }
}
