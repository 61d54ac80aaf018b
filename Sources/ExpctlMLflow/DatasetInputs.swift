import ExpctlModel

/// A dataset as MLflow's tracking records it for a run (`runs/log-inputs`): what the run read,
/// shown on the run's page and searchable by name and digest.
public struct MLflowDatasetInput: Sendable, Hashable {
    /// MLflow's dataset name, e.g. `planner/2025-01-10`.
    public var name: String
    /// At most 36 characters: MLflow's dataset table keeps no more.
    public var digest: String
    public var sourceType: String
    /// Where the data is, as MLflow's JSON source text, e.g. `{"uri": "file:///…"}`.
    public var source: String
    /// The columns, as MLflow's `mlflow_colspec` JSON text.
    public var schema: String
    /// Counts, as JSON text, e.g. `{"num_rows": 14287}`.
    public var profile: String
    /// `training` or `evaluation`: the `mlflow.data.context` input tag.
    public var context: String

    public init(
        name: String, digest: String, sourceType: String = "local", source: String, schema: String, profile: String,
        context: String
    ) {
        self.name = name
        self.digest = String(digest.prefix(36))
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
        self.context = context
    }

    /// `columns` (name, MLflow type: string, long, double, boolean, datetime) as `mlflow_colspec`.
    public static func colspec(_ columns: [(name: String, type: String)]) -> String {
        JSONValue.object([
            "mlflow_colspec": .array(
                columns.map {
                    .object(["name": .string($0.name), "type": .string($0.type), "required": .bool(true)])
                })
        ]).canonicalText
    }
}

extension MLflowClient {
    /// Records that run `runID` read `datasets`. Logging the same dataset twice records it once.
    public func logInputs(runID: String, _ datasets: [MLflowDatasetInput]) throws(MLflowError) {
        let inputs: [JSONValue] = datasets.map { input in
            .object([
                "tags": .array([.object(["key": .string("mlflow.data.context"), "value": .string(input.context)])]),
                "dataset": .object([
                    "name": .string(input.name), "digest": .string(input.digest),
                    "source_type": .string(input.sourceType),
                    "source": .string(input.source), "schema": .string(input.schema), "profile": .string(input.profile),
                ]),
            ])
        }
        let body: [String: JSONValue] = ["run_id": .string(runID), "datasets": .array(inputs)]
        do {
            _ = try send("POST", "runs/log-inputs", body, idempotent: true)
        } catch let error where error.kind == .api(code: "BAD_REQUEST") {
            // MLflow looks a dataset up by (experiment, name, digest) and inserts it when absent;
            // two runs logging the same new dataset at once race on that insert, and the loser
            // gets BAD_REQUEST. Once more finds the winner's row; a real refusal fails again.
            _ = try send("POST", "runs/log-inputs", body, idempotent: true)
        }
    }

    /// The datasets run `runID` logged as inputs (name and digest), from `runs/get`.
    public func loggedInputs(runID: String) throws(MLflowError) -> [(name: String, digest: String, context: String?)] {
        let answer = try get("runs/get", [("run_id", runID)])
        return answer.object("run")?.object("inputs")?.list("dataset_inputs").compactMap { item in
            guard case .object(let input) = item, let dataset = input.object("dataset"),
                let name = dataset.string("name"), let digest = dataset.string("digest")
            else { return nil }
            let context = input.list("tags").compactMap { tag -> String? in
                guard case .object(let pair) = tag, pair.string("key") == "mlflow.data.context" else { return nil }
                return pair.string("value")
            }.first
            return (name, digest, context)
        } ?? []
    }
}
