// A fresh database per test on the server scripts/test starts, so tests can run in parallel.
// Shared by the test targets that need PostgreSQL.
public import ExpctlPostgres
import Foundation
import Testing

/// A new, empty database on the test server, dropped when the test ends.
public struct TestDatabase {
    /// The variable scripts/test sets to the URL of the server it started.
    public static let serverURLVariable = "EXPCTL_TEST_DATABASE_URL"

    public let name: String
    /// The URL of this database (the server's URL with the database name replaced).
    public let url: String

    /// The test server's URL; an error that says how to get one if it is not set.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[serverURLVariable], !url.isEmpty else {
            throw MissingTestServer()
        }
        return url
    }

    /// Runs `body` with a new database, created as `expctl_test_<random>` and dropped afterwards
    /// (`WITH (FORCE)`, so connections the test left open do not keep it alive).
    public static func with<R>(_ body: (TestDatabase) throws -> R) throws -> R {
        let serverURL = try serverURL()
        let admin = try PostgresConnection(.resolve(databaseURL: serverURL, environment: [:]))
        let name = "expctl_test_" + String(UInt64.random(in: .min ... .max), radix: 16)
        try admin.execute("CREATE DATABASE \(name)")
        defer {
            do {
                try admin.execute("DROP DATABASE \(name) WITH (FORCE)")
            } catch {
                Issue.record("could not drop the test database \(name): \(error)")
            }
        }
        return try body(TestDatabase(name: name, url: try replacingDatabase(in: serverURL, with: name)))
    }

    /// `with` for async tests: the database is made before `body` runs and dropped after it,
    /// however it ends.
    public static func withAsync<R>(_ body: (TestDatabase) async throws -> R) async throws -> R {
        let serverURL = try serverURL()
        let admin = try PostgresConnection(.resolve(databaseURL: serverURL, environment: [:]))
        let name = "expctl_test_" + String(UInt64.random(in: .min ... .max), radix: 16)
        try admin.execute("CREATE DATABASE \(name)")
        let result: Result<R, any Error>
        do {
            result = .success(try await body(TestDatabase(name: name, url: try replacingDatabase(in: serverURL, with: name))))
        } catch {
            result = .failure(error)
        }
        do {
            try admin.execute("DROP DATABASE \(name) WITH (FORCE)")
        } catch {
            Issue.record("could not drop the test database \(name): \(error)")
        }
        return try result.get()
    }

    /// Settings for this database.
    public func settings() -> ConnectionSettings {
        .resolve(databaseURL: url, environment: [:])
    }

    /// A new connection to this database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(settings())
    }

    /// The URL of this database with `change` applied, e.g. a password or a query parameter.
    public func url(_ change: (inout URLComponents) -> Void) throws -> String {
        var components = try #require(URLComponents(string: url))
        change(&components)
        return try #require(components.string)
    }

    /// The number of rows in `table`, read on a new connection (what other sessions see).
    public func count(_ table: String) throws -> Int64? {
        try connect().execute("SELECT count(*) AS n FROM \(table)").int(0, "n")
    }
}

/// The tests need a PostgreSQL server; without one they fail with this, never pass silently.
public struct MissingTestServer: Error, CustomStringConvertible {
    public var description: String {
        "\(TestDatabase.serverURLVariable) is not set: run the tests with scripts/test, which starts a"
            + " throwaway PostgreSQL server and sets it (or start one with scripts/postgres start DIR"
            + " and export \(TestDatabase.serverURLVariable) with the URL it prints)"
    }
}

private func replacingDatabase(in url: String, with name: String) throws -> String {
    var components = try #require(URLComponents(string: url), "\(TestDatabase.serverURLVariable) is not a URL")
    components.path = "/" + name
    return try #require(components.string)
}

/// An error a transaction's body throws on purpose.
public struct Abandon: Error {
    public init() {}
}
