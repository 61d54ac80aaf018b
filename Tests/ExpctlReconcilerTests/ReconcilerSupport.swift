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
    /// What a pass observes, the registry skipped.
    func observe() throws -> ObservedState {
        let rows = try observeRows()
        return ObservedState(database: rows.database, jobs: rows.jobs, registry: .skipped)
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

    /// Every pending job succeeds as a runner would finish it, registering `version`.
    func finishJobs(version: String = "2") throws {
        while let claim = try jobs.claim(owner: "test-runner", leaseSeconds: 60) {
            _ = try jobs.succeed(claim.id, owner: "test-runner", result: [
                TrainingResultKeys.modelName: .string("planner_model"), TrainingResultKeys.modelVersion: .string(version),
            ])
        }
    }

    /// Converges, runs the jobs that asked for, and converges again: the whole tree applied.
    @discardableResult
    func convergeAll(_ state: DesiredState, commit: String = "c1") throws -> Plan {
        try converge(state, commit: commit)
        try finishJobs()
        return try converge(state, commit: commit)
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
