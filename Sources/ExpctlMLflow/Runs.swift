import ExpctlModel

/// Runs: create, read, update, and find by tag.
///
/// Runs are unique by nothing, so `runs/create` makes a duplicate when repeated. It is never
/// retried; a caller that may have created a run before (a crash, a lost answer) tags the run
/// at creation (e.g. `expctl.training` + `expctl.commit`) and looks it up with
/// `runs(experimentID:taggedWith:)` before creating another.
extension MLflowClient {
    /// A new run in `experimentID` (MLflow's `Default` is "0"); returns its id. Not
    /// idempotent: look for an earlier one by tag first (see above).
    public func createRun(experimentID: String, name: String, startTime: Int64, tags: [String: String] = [:]) throws(MLflowError) -> String {
        let body: [String: JSONValue] = [
            "experiment_id": .string(experimentID), "run_name": .string(name), "start_time": .integer(startTime),
            "tags": .keyValueList(tags),
        ]
        let run = try send("POST", "runs/create", body, idempotent: false).object("run")?.object("info") ?? [:]
        guard let id = run.string("run_id") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "runs/create answered without a run_id", call: "POST runs/create")
        }
        return id
    }

    /// The run with its tags, params and latest metrics; nil when there is no such run.
    public func run(id: String) throws(MLflowError) -> MLflowRun? {
        let answer: [String: JSONValue]
        do {
            answer = try get("runs/get", [("run_id", id)])
        } catch let error where error.isNotFound {
            return nil
        }
        guard let run = answer.object("run") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "answered without a run", call: "GET runs/get")
        }
        return try MLflowRun(json: run, call: "GET runs/get")
    }

    /// Changes what is given: status, end time, name. Ending a run needs both a terminal
    /// status and `endTime`: MLflow does not stamp the end time itself. Safe to repeat.
    public func updateRun(id: String, status: MLflowRunStatus? = nil, endTime: Int64? = nil, name: String? = nil) throws(MLflowError) {
        var body: [String: JSONValue] = ["run_id": .string(id)]
        if let status { body["status"] = .string(status.rawValue) }
        if let endTime { body["end_time"] = .integer(endTime) }
        if let name { body["run_name"] = .string(name) }
        _ = try send("POST", "runs/update", body, idempotent: true)
    }

    /// The runs in `experimentID` that carry every tag given (all of them when `tags` is
    /// empty), oldest first, read page by page. Deleted runs are not included.
    public func runs(experimentID: String, taggedWith tags: [String: String]) throws(MLflowError) -> [MLflowRun] {
        let filter = try FilterString.conjunction(tags: tags, call: "POST runs/search")
        return try searchRuns(experimentIDs: [experimentID], filter: filter, orderBy: ["attributes.start_time ASC"])
    }

    /// `runs/search` with MLflow's filter syntax, every page. MLflow answers `{}` both for no
    /// match and for no `experiment_ids`, so an empty `experimentIDs` is an empty answer.
    public func searchRuns(
        experimentIDs: [String], filter: String = "", orderBy: [String] = [], pageSize: Int = 1000
    ) throws(MLflowError) -> [MLflowRun] {
        guard !experimentIDs.isEmpty else { return [] }
        var runs: [MLflowRun] = []
        var pageToken: String?
        repeat {
            var body: [String: JSONValue] = [
                "experiment_ids": .array(experimentIDs.map(JSONValue.string)), "max_results": .integer(Int64(pageSize)),
            ]
            if !filter.isEmpty { body["filter"] = .string(filter) }
            if !orderBy.isEmpty { body["order_by"] = .array(orderBy.map(JSONValue.string)) }
            if let pageToken { body["page_token"] = .string(pageToken) }
            let page = try send("POST", "runs/search", body, idempotent: true)
            for case .object(let run) in page.list("runs") { runs.append(try MLflowRun(json: run, call: "POST runs/search")) }
            pageToken = page.string("next_page_token")
        } while pageToken != nil
        return runs
    }
}
