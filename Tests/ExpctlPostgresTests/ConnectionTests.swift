import ExpctlPostgres
import PostgresTestSupport
import Foundation
import Testing

@Suite("Connecting")
struct ConnectionTests {
    @Test func connectsByURL() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let result = try connection.execute("SELECT current_database() AS db, current_user AS who")
            #expect(result.string(0, "db") == database.name)
            #expect(result.string(0, "who") == "postgres")
            #expect(connection.serverVersion.hasPrefix("15."))
        }
    }

    /// PG* variables are process-wide (and libpq reads them itself), so this runs in a child
    /// process: setting them here could change what a test running in parallel connects to.
    @Test func connectsThroughPGEnvironmentVariables() async {
        await #expect(processExitsWith: .success) {
            try TestDatabase.with { database in
                let url = try #require(URLComponents(string: database.url))
                let variables = [
                    "PGHOST": try #require(url.host), "PGPORT": String(try #require(url.port)),
                    "PGUSER": try #require(url.user), "PGDATABASE": database.name,
                ]
                for (name, value) in variables { setenv(name, value, 1) }
                unsetenv("DATABASE_URL")

                let settings = ConnectionSettings.resolve(
                    databaseURL: nil, environment: ProcessInfo.processInfo.environment)
                #expect(
                    settings.redactedDescription
                        == "PG* environment (PGHOST=\(variables["PGHOST"]!), PGPORT=\(variables["PGPORT"]!),"
                        + " PGUSER=postgres, PGDATABASE=\(database.name))")
                let result = try PostgresConnection(settings).execute("SELECT current_database() AS db")
                #expect(result.string(0, "db") == database.name)
            }
        }
    }

    @Test func theOptionComesFirstThenDatabaseURLThenTheEnvironment() {
        let environment = ["DATABASE_URL": "postgresql://from-env/app", "PGHOST": "pg-host"]
        #expect(
            ConnectionSettings.resolve(databaseURL: "postgresql://from-option/app", environment: environment)
                .redactedDescription == "postgresql://from-option/app")
        #expect(
            ConnectionSettings.resolve(databaseURL: nil, environment: environment).redactedDescription
                == "postgresql://from-env/app")
        #expect(
            ConnectionSettings.resolve(databaseURL: "", environment: environment).redactedDescription
                == "postgresql://from-env/app")
        #expect(
            ConnectionSettings.resolve(databaseURL: nil, environment: ["DATABASE_URL": "", "PGHOST": "pg-host"])
                .redactedDescription == "PG* environment (PGHOST=pg-host)")
        #expect(
            ConnectionSettings.resolve(databaseURL: nil, environment: [:]).redactedDescription
                == "libpq defaults (no PG* environment variables set)")
    }

    @Test func aClosedPortIsAConnectionErrorOnOneLine() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: "postgresql://postgres@127.0.0.1:1/postgres", environment: [:])
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(settings) }
        #expect(error.kind == .connection)
        #expect(error.function == "PQconnectdbParams")
        #expect(error.sqlState == nil)
        #expect(error.message.contains("Connection refused"))
        #expect(
            error.description
                == #"cannot connect to PostgreSQL: connection to server at "127.0.0.1", port 1 failed: Connection refused; Is the server running on that host and accepting TCP/IP connections?"#
        )
    }

    @Test func aMalformedURLIsAConnectionError() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: "postgresql://postgres@127.0.0.1:notaport/postgres", environment: [:])
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(settings) }
        #expect(error.kind == .connection)
        #expect(error.description.hasPrefix("cannot connect to PostgreSQL: "))
        #expect(error.description.contains("notaport"))
        #expect(!error.description.contains("\n"))
    }

    @Test func theSessionIsNamedExpctlUnlessTheURLSaysOtherwise() throws {
        try TestDatabase.with { database in
            let query = "SELECT current_setting('application_name') AS name"
            #expect(try database.connect().execute(query).string(0, "name") == "expctl")

            var settings = database.settings()
            settings.applicationName = "expctl-apply"
            #expect(try PostgresConnection(settings).execute(query).string(0, "name") == "expctl-apply")

            let named = try database.url { $0.queryItems = [URLQueryItem(name: "application_name", value: "ci-bot")] }
            let connection = try PostgresConnection(.resolve(databaseURL: named, environment: [:]))
            #expect(try connection.execute(query).string(0, "name") == "ci-bot")
        }
    }

    /// Results are decoded as UTF-8, so a URL cannot choose another client encoding.
    @Test func theClientEncodingIsAlwaysUTF8() throws {
        try TestDatabase.with { database in
            let latin1 = try database.url { $0.queryItems = [URLQueryItem(name: "client_encoding", value: "LATIN1")] }
            let connection = try PostgresConnection(.resolve(databaseURL: latin1, environment: [:]))
            #expect(try connection.execute("SHOW client_encoding").rows == [["UTF8"]])
            #expect(try connection.execute("SELECT 'é🧪' AS v").string(0, "v") == "é🧪")
        }
    }

    /// Without a notice processor of its own, libpq prints NOTICEs and WARNINGs to stderr. The
    /// child process's stderr is captured to show nothing was printed.
    @Test func noticesAreNotPrinted() async throws {
        let result = await #expect(
            processExitsWith: .success, observing: [\.standardErrorContent, \.standardOutputContent]
        ) {
            try TestDatabase.with { database in
                let connection = try database.connect()
                try connection.execute(
                    "DO $$ BEGIN RAISE NOTICE 'expctl-notice-marker'; RAISE WARNING 'expctl-warning-marker'; END $$")
                try connection.execute("DROP TABLE IF EXISTS expctl_no_such_table")  // a NOTICE too
            }
        }
        let output = String(decoding: try #require(result).standardErrorContent, as: UTF8.self)
            + String(decoding: try #require(result).standardOutputContent, as: UTF8.self)
        #expect(!output.contains("marker"))
        #expect(!output.contains("expctl_no_such_table"))
    }
}
