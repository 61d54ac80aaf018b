import ExpctlModel

/// An MLflow experiment as `experiments/get-by-name` describes it.
public struct MLflowExperiment: Sendable, Hashable {
    public var id: String
    public var name: String
    /// `active`, or `deleted`: a deleted experiment keeps its name until it is purged.
    public var lifecycleStage: String
    /// Where its runs' artifacts go, e.g. `mlflow-artifacts:/1`.
    public var artifactLocation: String
    public var tags: [String: String]

    public var isDeleted: Bool { lifecycleStage == "deleted" }

    init(json experiment: [String: JSONValue]) {
        id = experiment.string("experiment_id") ?? ""
        name = experiment.string("name") ?? ""
        lifecycleStage = experiment.string("lifecycle_stage") ?? "active"
        artifactLocation = experiment.string("artifact_location") ?? ""
        tags = experiment.tags()
    }
}

/// Experiments: read, create, restore, and the "make sure it exists" expctl applies.
extension MLflowClient {
    /// The experiment of that name, deleted ones included; nil when there is none.
    public func experiment(named name: String) throws(MLflowError) -> MLflowExperiment? {
        do {
            let answer = try get("experiments/get-by-name", [("experiment_name", name)])
            return try Self.experiment(in: answer, call: "GET experiments/get-by-name")
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// The experiment with that id; nil when there is none.
    public func experiment(id: String) throws(MLflowError) -> MLflowExperiment? {
        do {
            return try Self.experiment(in: try get("experiments/get", [("experiment_id", id)]), call: "GET experiments/get")
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// A new experiment; returns its id. Fails with `isAlreadyExisting` when the name is taken,
    /// also by a deleted experiment: `ensureExperiment` handles both.
    public func createExperiment(name: String, tags: [String: String] = [:]) throws(MLflowError) -> String {
        let body: [String: JSONValue] = ["name": .string(name), "tags": .keyValueList(tags)]
        guard let id = try send("POST", "experiments/create", body, idempotent: false).string("experiment_id") else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "answered without an experiment_id", call: "POST experiments/create")
        }
        return id
    }

    /// Brings a deleted experiment back. Restoring an active one answers 404 ("No Experiment
    /// with id=… exists"), so a repeat is not harmless: not retried by the transport.
    public func restoreExperiment(id: String) throws(MLflowError) {
        _ = try send("POST", "experiments/restore", ["experiment_id": .string(id)], idempotent: false)
    }

    /// Marks an experiment deleted (its name stays taken). A second delete answers 404.
    public func deleteExperiment(id: String) throws(MLflowError) {
        _ = try send("POST", "experiments/delete", ["experiment_id": .string(id)], idempotent: false)
    }

    /// Sets (or overwrites) one experiment tag.
    public func setExperimentTag(id: String, key: String, value: String) throws(MLflowError) {
        _ = try send(
            "POST", "experiments/set-experiment-tag", ["experiment_id": .string(id), "key": .string(key), "value": .string(value)],
            idempotent: true)
    }

    /// The active experiment called `name` with at least `tags`: created when missing, restored
    /// when deleted, used as it is when active (tags that differ are set; others are left
    /// alone). Safe to repeat, and safe against another client creating it at the same time:
    /// a create that finds the name taken reads the experiment instead.
    public func ensureExperiment(name: String, tags: [String: String] = [:]) throws(MLflowError) -> MLflowExperiment {
        var experiment = try experiment(named: name)
        if experiment == nil {
            do {
                _ = try createExperiment(name: name, tags: tags)
            } catch let error where error.isAlreadyExisting {
                // Someone else created it (or a deleted one holds the name): read it below.
            }
            experiment = try self.experiment(named: name)
        }
        guard var found = experiment else {
            throw MLflowError(kind: .unexpectedAnswer, status: nil, message: "experiment \(name) not found after creating it", call: "ensureExperiment")
        }
        if found.isDeleted {
            do {
                try restoreExperiment(id: found.id)
            } catch let error where error.isNotFound {
                // Restored meanwhile by someone else (restoring an active one answers 404).
            }
            guard let restored = try self.experiment(named: name), !restored.isDeleted else {
                throw MLflowError(kind: .unexpectedAnswer, status: nil, message: "experiment \(name) is still deleted after restoring it", call: "ensureExperiment")
            }
            found = restored
        }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) where found.tags[key] != value {
            try setExperimentTag(id: found.id, key: key, value: value)
            found.tags[key] = value
        }
        return found
    }

    private static func experiment(in answer: [String: JSONValue], call: String) throws(MLflowError) -> MLflowExperiment {
        guard let experiment = answer.object("experiment"), experiment.string("experiment_id") != nil else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "answered without an experiment", call: call)
        }
        return MLflowExperiment(json: experiment)
    }
}
