public import ExpctlModel

/// The port through which apply changes the MLflow model registry, so that the store can run
/// a plan's registry actions and database actions as one ordered apply without depending on
/// the MLflow client. The MLflow adapter implements it; tests may implement it too.
public protocol RegistryApplying: AnyObject {
    /// The registry's state now, of the models the plan was made for: apply compares its
    /// digest with the one a saved plan recorded.
    func currentState() throws -> RegistryState

    /// Carries out the plan's registry actions (stage tags, aliases), each idempotent (a
    /// re-run after a crash repeats the actions it cannot tell were done), possibly several at
    /// once. `completed` is called on the calling thread with the ids of the actions done as
    /// they finish, so that they can be recorded; an error it throws stops the apply. A
    /// failure is a `RegistryActionFailure` naming the first action that failed, thrown once
    /// the actions under way have finished (and been passed to `completed`).
    func apply(_ actions: [PlannedAction], commit: String, completed: (_ ids: [String]) throws -> Void) throws
}

/// A registry action that failed, by id, with what went wrong.
public struct RegistryActionFailure: Error, CustomStringConvertible {
    public var action: String
    public var underlying: String

    public init(action: String, underlying: String) {
        self.action = action
        self.underlying = underlying
    }

    public var description: String { "\(action) failed: \(underlying)" }
}

extension RegistryState {
    /// A canonical text of what the planner compares (every version's status and tags, every
    /// alias), so that equal states give equal texts and a saved plan can record its digest.
    public var canonicalText: String {
        var modelValues: [String: JSONValue] = [:]
        for (name, model) in models {
            var versions: [String: JSONValue] = [:]
            for (number, version) in model.versions {
                versions[number] = .object([
                    "status": .string(version.status), "tags": .object(version.tags.mapValues(JSONValue.string)),
                ])
            }
            modelValues[name] = .object(["versions": .object(versions), "aliases": .object(model.aliases.mapValues(JSONValue.string))])
        }
        return JSONValue.object(modelValues).canonicalText
    }

    /// SHA-256 (hex) of `canonicalText`.
    public var digest: String { SHA256.hex(canonicalText) }
}

extension DesiredState {
    /// The MLflow registered models the desired state refers to (policy versions' models and
    /// promoted models): the ones the planner needs the registry state of.
    public var registryModels: Set<String> {
        var names = Set(promotions.map(\.model))
        for policy in policies {
            for version in policy.versions { names.insert(version.mlflowModelName) }
        }
        return names
    }

    /// Whether planning this state needs the MLflow registry: it promotes a model or links a
    /// policy version to a registered model version.
    public var refersToRegistry: Bool {
        !promotions.isEmpty || policies.contains { $0.versions.contains { if case .registered = $0.model { true } else { false } } }
    }
}
