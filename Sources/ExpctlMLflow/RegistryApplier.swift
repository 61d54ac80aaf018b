import ExpctlModel
public import ExpctlPlan

/// Carries out a plan's registry actions against MLflow: a version's `stage` tag (stamped with
/// the commit and file it comes from, and with the stage expctl set, to tell drift later) and the `production`/`candidate` aliases.
///
/// Every call sets a value rather than adding one, so repeating an action after a crash
/// changes nothing more. The lineage tags go before the stage tag: a crash between them leaves
/// the stage unchanged, so the next plan repeats the action whole. A lineage tag that already
/// has its value (in the state last read) is not written again: MLflow takes one request per
/// tag, 15–40 ms each, so restoring drift costs one request instead of four.
///
/// Version actions are independent of each other and run `parallelism` at a time (1 by
/// default: a single-worker server, as the tests start, was slower with 4); the alias actions
/// follow once every version has its stage.
public final class MLflowRegistryApplier: RegistryPort, @unchecked Sendable {
    public let client: MLflowClient
    public let models: Set<String>
    /// Registry writes under way at once.
    public let parallelism: Int
    private let makeWorkerClient: () -> MLflowClient
    /// The clients of the threads that write, `client` first; made on first use.
    private var workers: [MLflowClient] = []
    /// The registry as `currentState()` last read it; only read while writes run.
    private var lastRead: RegistryState?

    /// - Parameters:
    ///   - models: the registered models the plan was made for (`DesiredState.registryModels`).
    ///   - makeWorkerClient: a client for each further writing thread (by default one with
    ///     `client`'s settings over a new transport).
    public init(
        client: MLflowClient, models: Set<String>, parallelism: Int = 1, makeWorkerClient: (() -> MLflowClient)? = nil
    ) {
        self.client = client
        self.models = models
        self.parallelism = max(1, parallelism)
        self.makeWorkerClient = makeWorkerClient ?? { client.settings.makeClient() }
    }

    public func currentState() throws -> RegistryState {
        let state = try client.registryState(models: models)
        lastRead = state
        return state
    }

    public func apply(_ actions: [PlannedAction], commit: String, completed: ([String]) throws -> Void) throws {
        // Stage moves first, then those that come after one (an archival after the promotion
        // that replaces it), then tags and aliases: a failed promotion leaves the old production
        // version in place.
        func isVersion(_ action: PlannedAction) -> Bool {
            if case .modelVersion = action.address { true } else { false }
        }
        let versions = actions.filter(isVersion)
        let ids = Set(versions.map(\.id))
        let first = versions.filter { !$0.after.contains(where: ids.contains) }
        let following = versions.filter { $0.after.contains(where: ids.contains) }
        let others = actions.filter { !isVersion($0) }
        for group in [first, following, others] where !group.isEmpty {
            let writes = ConcurrentWrites(group) { [self] client, action in
                do {
                    try apply(action, commit: commit, with: client)
                } catch {
                    throw RegistryActionFailure(action: action.id, underlying: error)
                }
                return action.id
            }
            try writes.run(on: workers(for: group.count), completed: completed)
        }
    }

    private func workers(for count: Int) -> [MLflowClient] {
        if workers.isEmpty { workers = [client] }
        while workers.count < min(parallelism, count) { workers.append(makeWorkerClient()) }
        return Array(workers.prefix(min(parallelism, count)))
    }

    private func apply(_ action: PlannedAction, commit: String, with client: MLflowClient) throws {
        switch (action.kind, action.address) {
        case (.update, .modelVersionTags(let model, let version)):
            try setExpctlTags(of: action, model, version, with: client)
        case (.create, .modelVersion(let model, let version)), (.update, .modelVersion(let model, let version)):
            let known = lastRead?.models[model]?.versions[version]?.tags ?? [:]
            // `expctl.was_production` first: the stage last.
            try setExpctlTags(of: action, model, version, with: client)
            let stage = try text(of: RegistryTags.stage, in: action)
            var lineage = [(RegistryTags.commit, commit)]
            if let path = action.source?.path { lineage.append((RegistryTags.path, path)) }
            lineage.append((RegistryTags.appliedStage, stage))
            for (key, value) in lineage where known[key] != value {
                try client.setModelVersionTag(model, version: version, key: key, value: value)
            }
            try client.setModelVersionTag(model, version: version, key: RegistryTags.stage, value: stage)
        case (.create, .modelAlias(let model, let alias)), (.update, .modelAlias(let model, let alias)):
            try client.setAlias(model, alias: alias, version: try text(of: "version", in: action))
        case (.retire, .modelAlias(let model, let alias)):
            try client.deleteAlias(model, alias: alias)
        default:
            throw RegistryActionError(message: "this version of expctl cannot apply \(action.id) to MLflow")
        }
    }

    /// Sets each `expctl.` tag the action changes (not the lineage ones, which follow the stage).
    private func setExpctlTags(
        of action: PlannedAction, _ model: String, _ version: String, with client: MLflowClient
    ) throws {
        for change in action.changes where change.field.hasPrefix("expctl.") {
            guard case .string(let value)? = change.after else {
                throw RegistryActionError(message: "\(action.id) has no value for \(change.field)")
            }
            try client.setModelVersionTag(model, version: version, key: change.field, value: value)
        }
    }

    private func text(of field: String, in action: PlannedAction) throws -> String {
        guard case .string(let value)? = action.changes.first(where: { $0.field == field })?.after else {
            throw RegistryActionError(message: "\(action.id) has no \(field) to set")
        }
        return value
    }
}

/// A registry action apply cannot carry out (a plan file written by hand or by another version).
public struct RegistryActionError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
