import ExpctlModel

/// Params, tags and metrics to log on a run, checked against MLflow's limits so that nothing
/// is refused or cut by the server, and split into requests `runs/log-batch` accepts.
///
/// The server refuses a request with more than 100 params, 100 tags, 1000 metrics or 1000
/// entities in all, and a key over 250 characters; but it silently stores a param value cut
/// to 6000 characters and a tag value cut to 8000. So over-long keys and values are refused
/// here, when the batch is made, and any number of entries is sent in as many requests as
/// the per-request limits need (`requests`).
public struct MLflowBatch: Sendable, Hashable {
    public static let maxParamsPerRequest = 100
    public static let maxTagsPerRequest = 100
    public static let maxMetricsPerRequest = 1000
    public static let maxEntriesPerRequest = 1000
    public static let maxKeyLength = 250
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000

    public private(set) var params: [String: String]
    public private(set) var tags: [String: String]
    public private(set) var metrics: [MLflowMetric]

    /// Lengths count Unicode code points, as MLflow (Python's `len`) does.
    public init(params: [String: String] = [:], tags: [String: String] = [:], metrics: [MLflowMetric] = []) throws(MLflowBatchError) {
        for (key, value) in params.sorted(by: { $0.key < $1.key }) {
            try Self.check(.param, key: key, value: value, limit: Self.maxParamValueLength)
        }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            try Self.check(.tag, key: key, value: value, limit: Self.maxTagValueLength)
        }
        for metric in metrics { try Self.check(.metric, key: metric.key, value: "", limit: 0) }
        self.params = params
        self.tags = tags
        self.metrics = metrics
    }

    public var isEmpty: Bool { params.isEmpty && tags.isEmpty && metrics.isEmpty }

    /// The batch cut into pieces each within every per-request limit, in as few requests as
    /// those limits allow: each takes up to 100 params and 100 tags, then fills up with
    /// metrics to 1000 entries. Params and tags go in key order, metrics in the order given.
    /// Empty for an empty batch.
    public var requests: [MLflowBatch] {
        var pieces: [MLflowBatch] = []
        var params = self.params.sorted { $0.key < $1.key }[...]
        var tags = self.tags.sorted { $0.key < $1.key }[...]
        var metrics = self.metrics[...]
        while !params.isEmpty || !tags.isEmpty || !metrics.isEmpty {
            let someParams = params.prefix(Self.maxParamsPerRequest)
            let someTags = tags.prefix(Self.maxTagsPerRequest)
            let room = min(Self.maxMetricsPerRequest, Self.maxEntriesPerRequest - someParams.count - someTags.count)
            let someMetrics = metrics.prefix(room)
            params = params.dropFirst(someParams.count)
            tags = tags.dropFirst(someTags.count)
            metrics = metrics.dropFirst(someMetrics.count)
            // Already checked: the pieces are made without checking again.
            pieces.append(
                MLflowBatch(
                    checkedParams: Dictionary(uniqueKeysWithValues: someParams.map { ($0.key, $0.value) }),
                    tags: Dictionary(uniqueKeysWithValues: someTags.map { ($0.key, $0.value) }), metrics: Array(someMetrics)))
        }
        return pieces
    }

    private init(checkedParams params: [String: String], tags: [String: String], metrics: [MLflowMetric]) {
        self.params = params
        self.tags = tags
        self.metrics = metrics
    }

    private static func check(_ kind: MLflowBatchError.Entry, key: String, value: String, limit: Int) throws(MLflowBatchError) {
        if key.isEmpty { throw MLflowBatchError(entry: kind, key: key, problem: .emptyKey) }
        let keyLength = key.unicodeScalars.count
        if keyLength > maxKeyLength {
            throw MLflowBatchError(entry: kind, key: key, problem: .keyTooLong(length: keyLength, limit: maxKeyLength))
        }
        let valueLength = value.unicodeScalars.count
        if valueLength > limit && kind != .metric {
            throw MLflowBatchError(entry: kind, key: key, problem: .valueTooLong(length: valueLength, limit: limit))
        }
    }

    /// The `runs/log-batch` body of this piece.
    func body(runID: String) -> [String: JSONValue] {
        ["run_id": .string(runID), "params": .keyValueList(params), "tags": .keyValueList(tags), "metrics": .array(metrics.map(\.json))]
    }
}

/// An entry `MLflowBatch` refuses before anything is sent.
public struct MLflowBatchError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Entry: String, Sendable, Hashable { case param, tag, metric }
    public enum Problem: Sendable, Hashable {
        case emptyKey
        case keyTooLong(length: Int, limit: Int)
        /// MLflow would store the value cut to `limit` characters without saying so.
        case valueTooLong(length: Int, limit: Int)
    }

    public var entry: Entry
    public var key: String
    public var problem: Problem

    public init(entry: Entry, key: String, problem: Problem) {
        self.entry = entry
        self.key = key
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .emptyKey: "a \(entry.rawValue) has an empty key: MLflow requires one"
        case .keyTooLong(let length, let limit):
            "\(entry.rawValue) key \(key.prefix(40))… is \(length) characters long: MLflow takes at most \(limit)"
        case .valueTooLong(let length, let limit):
            "\(entry.rawValue) \(key): the value is \(length) characters long; MLflow keeps at most \(limit) and would silently cut it"
        }
    }
}

extension MLflowClient {
    /// Logs `batch` on the run in as many `runs/log-batch` requests as MLflow's limits need.
    /// Safe to repeat with the same values (a param logged again with the same value, or a
    /// metric point logged again, changes nothing), so a failure part-way is retried by sending
    /// the whole batch again. A param may not be logged again with a different value (400).
    public func logBatch(runID: String, _ batch: MLflowBatch) throws(MLflowError) {
        for piece in batch.requests {
            _ = try send("POST", "runs/log-batch", piece.body(runID: runID), idempotent: true)
        }
    }
}
