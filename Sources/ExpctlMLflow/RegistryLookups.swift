public import ExpctlPlan
import ExpctlModel

/// One model version as `model-versions/get` (and `GET registered-models/alias`) give it.
public struct MLflowModelVersion: Sendable, Hashable {
    public var name: String
    public var version: String
    /// `READY` on this server from the create on; READY says nothing about the artifacts.
    public var status: String
    public var runID: String?
    /// E.g. `runs:/<run>/model`.
    public var source: String
    public var description: String
    public var tags: [String: String]
    /// The aliases pointing at it; always empty from a search, which leaves them out.
    public var aliases: [String]

    /// What the planner reads.
    public var state: ModelVersionState { ModelVersionState(version: version, status: status, tags: tags) }

    init(json version: [String: JSONValue]) {
        name = version.string("name") ?? ""
        self.version = version.string("version") ?? ""
        status = version.string("status") ?? "READY"
        runID = version.string("run_id").flatMap { $0.isEmpty ? nil : $0 }
        source = version.string("source") ?? ""
        description = version.string("description") ?? ""
        tags = version.tags()
        aliases = version.list("aliases").compactMap { if case .string(let alias) = $0 { alias } else { nil } }
    }
}

/// Registry reads by version, alias and tag, and registered-model tags.
extension MLflowClient {
    /// Version `version` of model `name`; nil when the model or the version does not exist
    /// (MLflow answers both with the same 404).
    public func modelVersion(_ name: String, version: String) throws(MLflowError) -> MLflowModelVersion? {
        do {
            let answer = try get("model-versions/get", [("name", name), ("version", version)])
            return try Self.modelVersion(in: answer, call: "GET model-versions/get")
        } catch let error where error.isNotFound {
            return nil
        }
    }

    /// The version `alias` points at; nil when the model has no such alias. A missing model
    /// is an error (404): MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE,
    /// which is read as "no alias" only when its message says so.
    public func modelVersion(_ name: String, alias: String) throws(MLflowError) -> MLflowModelVersion? {
        do {
            let answer = try get("registered-models/alias", [("name", name), ("alias", alias)])
            return try Self.modelVersion(in: answer, call: "GET registered-models/alias")
        } catch let error where error.isMissingAlias {
            return nil
        }
    }

    /// The versions of `name` carrying every tag given, lowest version first. More than one
    /// means a create was repeated: the first is the one to keep. Aliases are not filled in
    /// (the search leaves them out).
    public func modelVersions(_ name: String, taggedWith tags: [String: String]) throws(MLflowError) -> [MLflowModelVersion] {
        let call = "GET model-versions/search"
        guard let quotedName = FilterString.literal(name) else {
            throw MLflowError.refusedBeforeSending("cannot search for model \(name): it holds both kinds of quote", call: call)
        }
        let filter = try FilterString.conjunction(prefix: ["name = \(quotedName)"], tags: tags, call: call)
        var versions: [MLflowModelVersion] = []
        var pageToken: String?
        repeat {
            var query = [("filter", filter), ("order_by", "version_number ASC"), ("max_results", "1000")]
            if let pageToken { query.append(("page_token", pageToken)) }
            let page = try get("model-versions/search", query)
            for case .object(let version) in page.list("model_versions") { versions.append(MLflowModelVersion(json: version)) }
            pageToken = page.string("next_page_token")
        } while pageToken != nil
        return versions
    }

    /// The first version of `name` carrying every tag given; nil when none does.
    public func modelVersion(_ name: String, taggedWith tags: [String: String]) throws(MLflowError) -> MLflowModelVersion? {
        try modelVersions(name, taggedWith: tags).first
    }

    /// Sets (or overwrites) a tag on the registered model itself.
    public func setRegisteredModelTag(_ name: String, key: String, value: String) throws(MLflowError) {
        _ = try send("POST", "registered-models/set-tag", ["name": .string(name), "key": .string(key), "value": .string(value)], idempotent: true)
    }

    /// Removes a registered-model tag; nothing happens when it is not there.
    public func deleteRegisteredModelTag(_ name: String, key: String) throws(MLflowError) {
        _ = try send("DELETE", "registered-models/delete-tag", ["name": .string(name), "key": .string(key)], idempotent: true)
    }

    /// The tags of the registered model; nil when there is no such model.
    public func registeredModelTags(_ name: String) throws(MLflowError) -> [String: String]? {
        do {
            return try get("registered-models/get", [("name", name)]).object("registered_model")?.tags() ?? [:]
        } catch let error where error.isNotFound {
            return nil
        }
    }

    private static func modelVersion(in answer: [String: JSONValue], call: String) throws(MLflowError) -> MLflowModelVersion {
        guard let version = answer.object("model_version"), version.string("version") != nil else {
            throw MLflowError(kind: .unexpectedAnswer, status: 200, message: "answered without a model_version", call: call)
        }
        return MLflowModelVersion(json: version)
    }
}

extension MLflowError {
    /// `GET registered-models/alias` for an alias the model does not have: 400 (not 404)
    /// INVALID_PARAMETER_VALUE "Registered model alias nope not found."
    fileprivate var isMissingAlias: Bool {
        kind == .api(code: "INVALID_PARAMETER_VALUE") && message.hasPrefix("Registered model alias ") && message.hasSuffix(" not found.")
    }
}
