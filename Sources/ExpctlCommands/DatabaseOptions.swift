import ArgumentParser
import ExpctlPostgres
import ExpctlStore

/// Where the `exp` schema lives: `--database-url`, else DATABASE_URL, else libpq's PG* variables
/// (of the environment the command was given).
struct DatabaseOptions: ParsableArguments {
    @Option(help: "PostgreSQL URL (postgresql://user@host:port/db). Default: DATABASE_URL, else libpq's PG* variables.")
    var databaseURL: String?

    func settings(_ environment: [String: String]) -> ConnectionSettings {
        ConnectionSettings.resolve(databaseURL: databaseURL, environment: environment)
    }

    /// A store on a new connection; a failure names the database (its password masked).
    /// - Parameters:
    ///   - deadPeerSeconds: see `ConnectionSettings.deadPeerSeconds`.
    ///   - applicationName: what `pg_stat_activity` (and so the lock's holder) names the session.
    func openStore(
        _ environment: [String: String], deadPeerSeconds: Int? = nil, applicationName: String? = nil
    ) throws -> ExpStore {
        var settings = settings(environment)
        settings.deadPeerSeconds = deadPeerSeconds
        if let applicationName { settings.applicationName = applicationName }
        do {
            return ExpStore(connection: try PostgresConnection(settings))
        } catch {
            throw ContextualError(error, context: "database: \(settings.redactedDescription)")
        }
    }
}
