import ExpctlDesiredState
import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
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
    /// Plans `state` against what the database holds and applies it.
    @discardableResult
    func converge(_ state: DesiredState, commit: String = "c1") throws -> Plan {
        let plan = Planner.plan(desired: state, actual: try actualState(), commit: commit)
        try apply(plan, ref: "refs/heads/main")
        return plan
    }

    func plan(_ state: DesiredState, commit: String = "c2") throws -> Plan {
        Planner.plan(desired: state, actual: try actualState(), commit: commit)
    }
}
