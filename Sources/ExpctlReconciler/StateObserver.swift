public import ExpctlDatasets
public import ExpctlModel
public import ExpctlPlan
public import ExpctlStore

/// Reads everything a plan is made from besides git, in one place: the managed rows and the
/// job ledger from one database snapshot, the gates' evidence from another, then the registry
/// state of the models git names, then which of the undeclared datasets that trainings name
/// are in the dataset store.
public struct StateObserver {
    public let store: ExpStore
    public let registry: RegistryAccess
    /// Nil: the store is not checked (a training's undeclared dataset fails its job if missing).
    public let datasets: DatasetStore?

    public init(store: ExpStore, registry: RegistryAccess, datasets: DatasetStore? = nil) {
        self.store = store
        self.registry = registry
        self.datasets = datasets
    }

    /// The observed state for `desired`, and the registry port it was read through (nil when
    /// the registry was not read).
    public func observe(_ desired: DesiredState) throws(PassError) -> (
        state: ObservedState, registry: (any RegistryPort)?
    ) {
        let rows: (database: ActualState, jobs: JobLedgerState)
        let gates: GateObservation
        do {
            rows = try store.observeRows()
            gates = try store.observeGates(assignmentsOf: Self.allocationsChanging(desired, rows.database))
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
            registryModels: port == nil ? [] : Array(models), datasetStore: datasetObservation(desired), gates: gates)
        return (state, port)
    }

    /// The existing experiments whose variants' allocations git changes: only their assigned
    /// units per bucket are read, for what stickiness keeps.
    static func allocationsChanging(_ desired: DesiredState, _ actual: ActualState) -> Set<String> {
        var names: Set<String> = []
        for experiment in desired.experiments {
            guard let existing = actual.experiments[experiment.name] else { continue }
            let wanted = Dictionary(
                experiment.variants.map { ($0.name, $0.allocation) }, uniquingKeysWith: { a, _ in a })
            let changed =
                existing.variants.values.contains { variant in
                    (variant.retiredAt == nil ? variant.allocation : Allocation(buckets: 0))
                        != (wanted[variant.name] ?? Allocation(buckets: 0))
                } || wanted.keys.contains { existing.variants[$0] == nil }
            if changed { names.insert(experiment.name) }
        }
        return names
    }

    private func datasetObservation(_ desired: DesiredState) -> DatasetStoreObservation {
        guard let datasets else { return .notChecked }
        let declared = Set(desired.datasets.map(\.name))
        let named = desired.trainings.flatMap { [$0.datasetVersion, $0.evaluation.datasetVersion] }
        return .read(present: datasets.present(among: Set(named).subtracting(declared)))
    }
}
