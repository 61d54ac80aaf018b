import ExpctlModel
public import ExpctlPlan

/// Carries out a plan's registry actions against MLflow: a version's `stage` tag (stamped with
/// the commit and file it comes from, and with the stage expctl set, to tell drift later) and the `production`/`candidate` aliases.
///
/// Every call sets a value rather than adding one, so repeating an action after a crash
/// changes nothing more. The lineage tags go before the stage tag: a crash between them leaves
/// the stage unchanged, so the next plan repeats the action whole.
public final class MLflowRegistryApplier: RegistryApplying {
    public let client: MLflowClient
    public let models: Set<String>

    /// `models`: the registered models the plan was made for (`DesiredState.registryModels`).
    public init(client: MLflowClient, models: Set<String>) {
        self.client = client
        self.models = models
    }

    public func currentState() throws -> RegistryState { try client.registryState(models: models) }

    public func apply(_ action: PlannedAction, commit: String) throws {
        switch (action.kind, action.address) {
        case (.create, .modelVersion(let model, let version)), (.update, .modelVersion(let model, let version)):
            let stage = try text(of: RegistryTags.stage, in: action)
            try client.setModelVersionTag(model, version: version, key: RegistryTags.commit, value: commit)
            if let path = action.source?.path {
                try client.setModelVersionTag(model, version: version, key: RegistryTags.path, value: path)
            }
            try client.setModelVersionTag(model, version: version, key: RegistryTags.appliedStage, value: stage)
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
