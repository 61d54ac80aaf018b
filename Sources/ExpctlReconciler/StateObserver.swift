public import ExpctlModel
public import ExpctlPlan
public import ExpctlStore

/// Reads everything a plan is made from besides git, in one place: the managed rows and the
/// job ledger from one database snapshot, then the registry state of the models git names.
public struct StateObserver {
    public let store: ExpStore
    public let registry: RegistryAccess

    public init(store: ExpStore, registry: RegistryAccess) {
        self.store = store
        self.registry = registry
    }

    /// The observed state for `desired`, and the registry port it was read through (nil when
    /// the registry was not read).
    public func observe(_ desired: DesiredState) throws(PassError) -> (state: ObservedState, registry: (any RegistryPort)?) {
        let rows: (database: ActualState, jobs: JobLedgerState)
        do {
            rows = try store.observeRows()
        } catch {
            throw .database(error)
        }
        let models = desired.registryModels
        let observation: RegistryObservation
        let port = registry.port(for: models)
        switch registry {
        case .skipped: observation = .skipped
        case .notConfigured: observation = .notConfigured
        case .available:
            do {
                // A tree that names no model needs no registry: it reads as an empty one.
                observation = .read(try port?.currentState() ?? .empty)
            } catch {
                throw .registry(error)
            }
        }
        let state = ObservedState(
            database: rows.database, jobs: rows.jobs, registry: observation,
            registryModels: port == nil ? [] : Array(models))
        return (state, port)
    }
}
