import ExpctlModel

/// The tracking calls expctl uses so far: runs, which model versions are created from.
extension MLflowClient {
    /// A new run in `experimentID` (MLflow's `Default` is "0"); returns its id. Not
    /// idempotent: runs are not unique by anything, so look for an earlier one by tag first.
    public func createRun(experimentID: String, name: String, startTime: Int64, tags: [String: String] = [:]) throws(MLflowError) -> String {
        let body: [String: JSONValue] = [
            "experiment_id": .string(experimentID), "run_name": .string(name), "start_time": .integer(startTime),
            "tags": .array(tags.sorted { $0.key < $1.key }.map { .object(["key": .string($0.key), "value": .string($0.value)]) }),
        ]
        let run = try send("POST", "runs/create", body, idempotent: false).object("run")?.object("info") ?? [:]
        guard let id = run.string("run_id") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "runs/create answered without a run_id", call: "POST runs/create")
        }
        return id
    }
}
