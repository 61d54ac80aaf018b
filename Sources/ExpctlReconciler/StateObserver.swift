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
        switch registry {
        case .skipped:
            return (ObservedState(database: rows.database, jobs: rows.jobs, registry: .skipped), nil)
        case .notConfigured:
            return (ObservedState(database: rows.database, jobs: rows.jobs, registry: .notConfigured), nil)
        case .available:
            guard let port = registry.port(for: models) else {
                return (ObservedState(database: rows.database, jobs: rows.jobs, registry: .read(.empty)), nil)
            }
            do {
                let state = try port.currentState()
                return (
                    ObservedState(
                        database: rows.database, jobs: rows.jobs, registry: .read(state), registryModels: Array(models)),
                    port)
            } catch {
                throw .registry(error)
            }
        }
    }
}
