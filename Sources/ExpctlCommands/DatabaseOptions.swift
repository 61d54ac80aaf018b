import ArgumentParser
import ExpctlMLflow
import ExpctlPostgres
import ExpctlStore
import Foundation

/// Where the `exp` schema lives: `--database-url`, else DATABASE_URL, else libpq's PG* variables.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (postgresql://user@host:port/db). Default: DATABASE_URL, else libpq's PG* variables.")
    var databaseURL: String?

    /// A store on a new connection; connection failures become one-line errors.
    func openStore() throws -> ExpStore {
        let settings = ConnectionSettings.resolve(databaseURL: databaseURL, environment: ProcessInfo.processInfo.environment)
        do {
            return ExpStore(connection: try PostgresConnection(settings))
        } catch {
            throw UserFacingError(message: "\(error) (database: \(settings.redactedDescription))")
        }
    }
}

/// Runs store work, turning database, store and MLflow failures into one-line errors.
@discardableResult
func storeStep<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as PostgresError {
        throw UserFacingError(message: error.description)
    } catch let error as StoreError {
        throw UserFacingError(message: error.description)
    } catch let error as MLflowError {
        // From the registry's stale check, which apply runs under the database lock.
        throw UserFacingError(message: error.description)
    }
}
