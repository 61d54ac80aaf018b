import ExpctlModel

/// A run's status. MLflow does not enforce transitions (KILLED → RUNNING is accepted) and
/// silently ignores an unknown status in `runs/update`, hence an enum on this side.
public enum MLflowRunStatus: String, Sendable, Hashable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    public var isTerminal: Bool { self == .finished || self == .failed || self == .killed }
}

/// One metric value at a step. MLflow stores NaN as is and ±infinity as ±Double.greatestFiniteMagnitude.
public struct MLflowMetric: Sendable, Hashable {
    public var key: String
    public var value: Double
    /// Milliseconds since 1970; MLflow requires it.
    public var timestamp: Int64
    public var step: Int64

    public init(key: String, value: Double, timestamp: Int64, step: Int64 = 0) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
    }

    /// The JSON MLflow takes: non-finite values as the strings protobuf's JSON uses (`NaN`,
    /// `Infinity`), since JSON numbers cannot hold them.
    var json: JSONValue {
        let number: JSONValue =
            if value.isNaN { .string("NaN") } else if value.isInfinite { .string(value > 0 ? "Infinity" : "-Infinity") } else { .double(value) }
        return .object(["key": .string(key), "value": number, "timestamp": .integer(timestamp), "step": .integer(step)])
    }

    init?(json metric: [String: JSONValue]) {
        guard let key = metric.string("key") else { return nil }
        let value: Double
        switch metric["value"] {
        case .double(let number)?: value = number
        case .integer(let number)?: value = Double(number)
        case .string(let text)?: value = Double(text) ?? .nan
        default: return nil
        }
        self.init(key: key, value: value, timestamp: metric.integer("timestamp") ?? 0, step: metric.integer("step") ?? 0)
    }
}

/// A run as `runs/get` and `runs/search` give it.
public struct MLflowRun: Sendable, Hashable {
    public var id: String
    public var experimentID: String
    public var name: String
    public var status: MLflowRunStatus
    /// Milliseconds since 1970; 0 when the creator sent none (the server does not stamp it).
    public var startTime: Int64
    /// Nil while the run has not been ended (`runs/update` with an end time).
    public var endTime: Int64?
    /// E.g. `mlflow-artifacts:/1/<run>/artifacts`: the root for the artifact calls.
    public var artifactURI: String
    /// `active` or `deleted`.
    public var lifecycleStage: String
    public var tags: [String: String]
    public var params: [String: String]
    /// The latest value of each metric by key (MLflow keeps only that on a run; the history
    /// is under `metrics/get-history`).
    public var metrics: [String: MLflowMetric]

    init(json run: [String: JSONValue], call: String) throws(MLflowError) {
        let info = run.object("info") ?? [:]
        let data = run.object("data") ?? [:]
        guard let id = info.string("run_id") ?? info.string("run_uuid") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "a run without a run_id", call: call)
        }
        guard let status = MLflowRunStatus(rawValue: info.string("status") ?? "") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "run \(id) has status \(info.string("status") ?? "(none)")", call: call)
        }
        self.id = id
        self.status = status
        experimentID = info.string("experiment_id") ?? ""
        name = info.string("run_name") ?? ""
        startTime = info.integer("start_time") ?? 0
        endTime = info.integer("end_time")
        artifactURI = info.string("artifact_uri") ?? ""
        lifecycleStage = info.string("lifecycle_stage") ?? "active"
        tags = data.tags()
        params = data.tags("params")
        var metrics: [String: MLflowMetric] = [:]
        for case .object(let item) in data.list("metrics") {
            if let metric = MLflowMetric(json: item) { metrics[metric.key] = metric }
        }
        self.metrics = metrics
    }
}
