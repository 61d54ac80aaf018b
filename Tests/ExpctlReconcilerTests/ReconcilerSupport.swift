import ExpctlDesiredState
import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStore
import Foundation
import PlanningTestSupport
import PostgresTestSupport
import Testing

/// A migrated store on a fresh database.
func withStore<R>(_ body: (ExpStore, TestDatabase) throws -> R) throws -> R {
    try TestDatabase.with { database in
        let store = ExpStore(connection: try database.connect())
        try store.migrate()
        return try body(store, database)
    }
}

extension ExpStore {
    /// What a pass observes, with a registry that holds what the ledger says: planner_model
    /// version 1 in production and each version a succeeded training job registered, tagged as
    /// that job's. The registry is not part of the digests (no model is named as read), so apply
    /// needs no registry port.
    func observe() throws -> ObservedState {
        let rows = try observeRows()
        return ObservedState(
            database: rows.database, jobs: rows.jobs, registry: .read(Self.registry(holding: rows.jobs)),
            gates: try observeGates())
    }

    /// planner_model version 1 in production, and each version a succeeded training job of
    /// `ledger` registered, tagged as that job's and as the candidate that passed the offline
    /// gate (what expctl would set once the gate passed): these tests are about the database,
    /// so the registry already holds what a plan would change there.
    static func registry(holding ledger: JobLedgerState) -> RegistryState {
        var versions = ["1": ModelVersionState(version: "1", tags: [RegistryTags.stage: "production"])]
        var aliases = ["production": "1"]
        for job in ledger.jobs where job.key.kind == .training && job.state == .succeeded {
            guard let version = job.registeredModelVersion else { continue }
            versions[version] = ModelVersionState(
                version: version,
                tags: [RegistryTags.job: job.id, RegistryTags.stage: "candidate", RegistryTags.offlineGate: "pass"])
            aliases["candidate"] = version
        }
        return RegistryState(models: [
            "planner_model": RegisteredModelState(name: "planner_model", versions: versions, aliases: aliases),
        ])
    }

    /// A registry that holds what the store's ledger says (see `registry(holding:)`), for a
    /// reconciler.
    var ledgerRegistry: RegistryAccess {
        .available { _ in LedgerRegistry(store: self) }
    }

    func plan(_ state: DesiredState, commit: String = "c2") throws -> Plan {
        makePlan(state, try observe(), commit: commit)
    }

    /// Applies `plan` against what the database holds now (or `expected`).
    @discardableResult
    func apply(_ plan: Plan, expected: ExpectedState? = nil, registry: (any RegistryPort)? = nil) throws -> ApplyReport {
        try CrossSystemApply(store: self).apply(plan, ref: "refs/heads/main", expected: try expected ?? .observed(observe()), registry: registry)
    }

    /// Plans `state` against what the database holds and applies what is ready.
    @discardableResult
    func converge(_ state: DesiredState, commit: String = "c1") throws -> Plan {
        let plan = try plan(state, commit: commit)
        try apply(plan)
        return plan
    }

    /// Every pending job succeeds as a runner would finish it: a training registering `version`,
    /// an evaluation recording `OfflineReplayRecord.forTest` (0.80 passes the offline gate).
    /// Returns how many jobs it finished.
    @discardableResult
    func finishJobs(version: String = "2", candidateScore: Double = 0.8) throws -> Int {
        var finished = 0
        while let claim = try jobs.claim(owner: "test-runner", leaseSeconds: 60) {
            var result: [String: JSONValue] = [
                TrainingResultKeys.modelName: .string("planner_model"), TrainingResultKeys.modelVersion: .string(version),
            ]
            if claim.key.kind == .evaluation {
                result = ["offline_eval_score": .double(candidateScore)]
                try recordOfflineReplay(
                    .forTest(inputs: claim.inputs, jobID: claim.id, candidateScore: candidateScore))
            }
            _ = try jobs.succeed(claim.id, owner: "test-runner", result: result)
            finished += 1
        }
        return finished
    }

    /// Converges and runs the jobs that asked for until no job is left: the whole tree applied.
    @discardableResult
    func convergeAll(_ state: DesiredState, commit: String = "c1") throws -> Plan {
        var plan = try converge(state, commit: commit)
        while try finishJobs() > 0 { plan = try converge(state, commit: commit) }
        return plan
    }

    /// Policy versions that name no model version: there must never be one.
    func versionsWithoutModel() throws -> Int64 {
        try connection.execute("SELECT count(*) AS n FROM exp.policy_versions WHERE mlflow_model_version IS NULL").int(0, "n") ?? -1
    }
}

/// A desired state that is always the same, at a fixed commit.
final class FixedSource: DesiredStateSource {
    var state: DesiredState
    var diagnostics: [Diagnostic]
    var commit = "3f2a9c1e5d7b00000000000000000000000000aa"

    init(_ state: DesiredState, diagnostics: [Diagnostic] = []) {
        self.state = state
        self.diagnostics = diagnostics
    }

    func load() throws -> SourceSnapshot {
        SourceSnapshot(
            revision: SourceRevision(commit: commit, refName: "refs/heads/main"),
            result: LoadResult(state: state, diagnostics: diagnostics, fileCount: 1, filesDecoded: 1))
    }
}

/// A registry port over a state in memory; `duringApply` runs in the middle of an apply.
final class MemoryRegistry: RegistryPort {
    var state: RegistryState
    var applied: [String] = []
    var duringApply: () throws -> Void = {}
    var failure: (any Error)?

    init(_ state: RegistryState) { self.state = state }

    func currentState() throws -> RegistryState { state }

    func apply(_ actions: [PlannedAction], commit: String, completed: ([String]) throws -> Void) throws {
        for action in actions {
            if let failure { throw RegistryActionFailure(action: action.id, underlying: failure) }
            try duringApply()
            applied.append(action.id)
            try completed([action.id])
        }
    }
}

/// A registry port whose state is what the store's job ledger says MLflow holds; it has no
/// actions to carry out for trees that promote nothing.
final class LedgerRegistry: RegistryPort {
    let store: ExpStore
    init(store: ExpStore) { self.store = store }

    func currentState() throws -> RegistryState { ExpStore.registry(holding: try store.jobs.read()) }

    func apply(_ actions: [PlannedAction], commit: String, completed: ([String]) throws -> Void) throws {
        guard actions.isEmpty else {
            throw RegistryActionFailure(action: actions[0].id, underlying: StoreError.corruptRow(table: "registry", detail: "a test registry"))
        }
    }
}

/// Records a pass's hook events as lines.
final class RecordingHook: ReconcileHook {
    var events: [String] = []
    func passStarted() { events.append("pass") }
    func stepStarted(_ step: PassStep) { events.append("start \(step.rawValue)") }
    func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem) {
        events.append("\(system.rawValue): \(actions.map(\.id).joined(separator: ", "))")
    }
    func passFinished(_ outcome: PassOutcome) { events.append("finished \(outcome.kind)") }
}

/// A clock that never sleeps: a wait moves it to the deadline at once, unless the wakeup was
/// woken or stopped. It records each wait.
final class TestClock: ReconcileClock {
    private(set) var current = Date(timeIntervalSince1970: 1_767_225_600)
    private(set) var waits: [(seconds: Double, reason: WakeReason)] = []

    func now() -> Date { current }

    func wait(until deadline: Date, on wakeup: Wakeup) -> WakeReason {
        let seconds = deadline.timeIntervalSince(current)
        if let reason = wakeup.take() {
            waits.append((seconds, reason))
            return reason
        }
        current = deadline
        waits.append((seconds, .deadline))
        return .deadline
    }
}

/// An error a test server gives.
struct ServerDown: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}
