import ExpctlModel

/// Everything a plan is made from besides git, read in one place: the managed rows of the
/// database, the job ledger, and the MLflow registry (or why it was not read).
public struct ObservedState: Sendable, Hashable {
    public var database: ActualState
    public var jobs: JobLedgerState
    public var registry: RegistryObservation
    /// The registered models the registry was read for (those git names), whether MLflow has
    /// them or not.
    public var registryModels: [String]
    /// Which dataset folders that trainings name exist in the dataset store. Not part of the
    /// digests: a folder that goes missing after a plan fails its training's job, loudly.
    public var datasetStore: DatasetStoreObservation
    /// The gates' evidence and their recorded decisions; not part of the digests either.
    public var gates: GateObservation

    public init(
        database: ActualState = .empty, jobs: JobLedgerState = .empty, registry: RegistryObservation = .skipped,
        registryModels: [String] = [], datasetStore: DatasetStoreObservation = .notChecked,
        gates: GateObservation = .empty
    ) {
        self.database = database
        self.jobs = jobs
        self.registry = registry
        self.registryModels = registryModels.sorted()
        self.datasetStore = datasetStore
        self.gates = gates
    }

    /// Whether MLflow was read for at least one model: then apply checks the registry too.
    public var registryWasRead: Bool { !registryModels.isEmpty && registry.state != nil }

    /// The digest of each part, so that a saved plan can be refused when any part changed. The
    /// registry has one only when it was read for at least one model.
    public var digests: StateDigests {
        let registryDigest = registryWasRead ? registry.state?.digest : nil
        return StateDigests(
            database: database.digest, jobs: jobs.digest, registry: registryDigest,
            registryModels: registryDigest == nil ? [] : registryModels)
    }
}

/// How the plan saw the MLflow model registry.
public enum RegistryObservation: Sendable, Hashable {
    /// Read from MLflow: model versions are checked, promotions planned.
    case read(RegistryState)
    /// `--skip-registry`: model versions are written unchecked, promotions not planned.
    case skipped
    /// No MLflow configured and no `--skip-registry`: policy versions are blocked.
    case notConfigured

    public var state: RegistryState? {
        if case .read(let state) = self { state } else { nil }
    }

    public var coverage: RegistryCoverage {
        switch self {
        case .read: .checked
        case .skipped: .skipped
        case .notConfigured: .notConfigured
        }
    }
}

/// What a plan says about the registry: `registry` in the JSON plan.
public enum RegistryCoverage: String, Sendable, Hashable, CaseIterable {
    case checked
    case skipped
    case notConfigured = "not_configured"
}

/// The SHA-256 of each part of the observed state (hex): what a saved plan records and apply
/// compares before it writes anything.
public struct StateDigests: Sendable, Hashable {
    public var database: String
    public var jobs: String
    /// Nil when the registry was not read.
    public var registry: String?
    /// The registered models the registry digest covers (to read the same ones again).
    public var registryModels: [String]

    public init(database: String, jobs: String, registry: String? = nil, registryModels: [String] = []) {
        self.database = database
        self.jobs = jobs
        self.registry = registry
        self.registryModels = registryModels
    }
}

/// A part of the observed state.
public enum ObservedPart: String, Sendable, Hashable, CaseIterable {
    case database
    case jobs
    case registry

    /// "the database", "the job ledger", "the MLflow model registry".
    public var phrase: String {
        switch self {
        case .database: "the database"
        case .jobs: "the job ledger"
        case .registry: "the MLflow model registry"
        }
    }
}
