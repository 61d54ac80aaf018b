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
public final class MLflowRegistryApplier: RegistryApplying {
    public let client: MLflowClient
    public let models: Set<String>
    /// The registry as `currentState()` last read it.
    private var lastRead: RegistryState?

    /// `models`: the registered models the plan was made for (`DesiredState.registryModels`).
    public init(client: MLflowClient, models: Set<String>) {
        self.client = client
        self.models = models
    }

    public func currentState() throws -> RegistryState {
        let state = try client.registryState(models: models)
        lastRead = state
        return state
    }

    public func apply(_ action: PlannedAction, commit: String) throws {
        switch (action.kind, action.address) {
        case (.create, .modelVersion(let model, let version)), (.update, .modelVersion(let model, let version)):
            let stage = try text(of: RegistryTags.stage, in: action)
            let known = lastRead?.models[model]?.versions[version]?.tags ?? [:]
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
