import ExpctlModel
public import ExpctlPlan

/// The model-registry calls expctl uses, and the registry's state for the planner.
extension MLflowClient {
    /// A registered model with its versions (and their tags) and aliases; nil when MLflow has
    /// no model of that name.
    public func registeredModel(_ name: String) throws(MLflowError) -> RegisteredModelState? {
        let model: [String: JSONValue]
        do {
            model = try get("registered-models/get", [("name", name)]).object("registered_model") ?? [:]
        } catch let error where error.isNotFound {
            return nil
        }
        var aliases: [String: String] = [:]
        for item in model.list("aliases") {
            guard case .object(let alias) = item, let aliasName = alias.string("alias"), let version = alias.string("version") else { continue }
            aliases[aliasName] = version
        }
        var versions: [String: ModelVersionState] = [:]
        for version in try modelVersions(name) { versions[version.version] = version }
        return RegisteredModelState(name: name, versions: versions, aliases: aliases)
    }

    /// Every version of a model, with its status and tags (`model-versions/search`, paged).
    public func modelVersions(_ name: String) throws(MLflowError) -> [ModelVersionState] {
        try modelVersions(name, taggedWith: [:]).map(\.state)
    }

    /// The registry state of the models named, for the planner.
    public func registryState(models: some Sequence<String>) throws(MLflowError) -> RegistryState {
        var state = RegistryState()
        for name in Set(models) {
            if let model = try registeredModel(name) { state.models[name] = model }
        }
        return state
    }

    /// Creates the registered model, or does nothing when it exists (safe to repeat).
    public func ensureRegisteredModel(_ name: String) throws(MLflowError) {
        do {
            _ = try send("POST", "registered-models/create", ["name": .string(name)], idempotent: false)
        } catch let error where error.isAlreadyExisting {
            return
        }
    }

    /// A new model version from a run's artifacts (`runs:/<run>/<path>`), tagged as given.
    /// Not idempotent: find an earlier one by its tags (`modelVersions`) before calling again.
    public func createModelVersion(
        _ name: String, runID: String, artifactPath: String = "model", tags: [String: String] = [:]
    ) throws(MLflowError) -> ModelVersionState {
        let body: [String: JSONValue] = [
            "name": .string(name), "source": .string("runs:/\(runID)/\(artifactPath)"), "run_id": .string(runID),
            "tags": .array(tags.sorted { $0.key < $1.key }.map { .object(["key": .string($0.key), "value": .string($0.value)]) }),
        ]
        let version = try send("POST", "model-versions/create", body, idempotent: false).object("model_version") ?? [:]
        return ModelVersionState(version: version.string("version") ?? "", status: version.string("status") ?? "READY", tags: version.tags())
    }

    public func setModelVersionTag(_ name: String, version: String, key: String, value: String) throws(MLflowError) {
        _ = try send(
            "POST", "model-versions/set-tag",
            ["name": .string(name), "version": .string(version), "key": .string(key), "value": .string(value)], idempotent: true)
    }

    /// Points `alias` at `version` (moving it if it pointed elsewhere).
    public func setAlias(_ name: String, alias: String, version: String) throws(MLflowError) {
        _ = try send(
            "POST", "registered-models/alias", ["name": .string(name), "alias": .string(alias), "version": .string(version)],
            idempotent: true)
    }

    /// Removes `alias`; nothing happens when it does not exist.
    public func deleteAlias(_ name: String, alias: String) throws(MLflowError) {
        _ = try send("DELETE", "registered-models/alias", ["name": .string(name), "alias": .string(alias)], idempotent: true)
    }
}

extension MLflowClient {
    /// The names of every registered model, sorted (`registered-models/search`, paged).
    public func registeredModelNames() throws(MLflowError) -> [String] {
        var names: [String] = []
        var pageToken: String?
        repeat {
            var query = [("max_results", "1000")]
            if let pageToken { query.append(("page_token", pageToken)) }
            let page = try get("registered-models/search", query)
            for case .object(let model) in page.list("registered_models") {
                if let name = model.string("name") { names.append(name) }
            }
            pageToken = page.string("next_page_token")
        } while pageToken != nil
        return names.sorted()
    }
}
