import ExpctlStore
import PostgresTestSupport

/// A migrated store on a fresh database.
func withStore<R>(_ body: (ExpStore, TestDatabase) throws -> R) throws -> R {
    try TestDatabase.with { database in
        let store = ExpStore(connection: try database.connect())
        try store.migrate()
        return try body(store, database)
    }
}
