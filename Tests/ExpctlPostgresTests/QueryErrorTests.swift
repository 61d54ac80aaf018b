import ExpctlPostgres
import PostgresTestSupport
import Testing

@Suite("Statement errors")
struct QueryErrorTests {
    @Test func aSyntaxErrorCarriesSQLState42601AndTheConnectionStaysUsable() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PostgresError.self) { try connection.execute("SELEC 1") }
            #expect(error.kind == .query)
            #expect(error.sqlState == "42601")
            #expect(error.message == #"syntax error at or near "SELEC""#)
            #expect(error.function == "PQexecParams")
            #expect(error.description == #"query failed: syntax error at or near "SELEC" (SQLSTATE 42601)"#)
            #expect(try connection.execute("SELECT 1 AS one").int(0, "one") == 1)
        }
    }

    @Test func aUniqueViolationCarriesSQLState23505AndTheServersDetail() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE items (id bigint PRIMARY KEY)")
            try connection.execute("INSERT INTO items VALUES ($1)", [.integer(1)])
            let error = try #require(throws: PostgresError.self) {
                try connection.execute("INSERT INTO items VALUES ($1)", [.integer(1)])
            }
            #expect(error.kind == .query)
            #expect(error.sqlState == "23505")
            #expect(error.message == #"duplicate key value violates unique constraint "items_pkey""#)
            #expect(error.detail == "Key (id)=(1) already exists.")
            #expect(
                error.description
                    == #"query failed: duplicate key value violates unique constraint "items_pkey"; Key (id)=(1) already exists. (SQLSTATE 23505)"#
            )
        }
    }

    @Test func theServersHintIsKept() throws {
        try TestDatabase.with { database in
            let error = try #require(throws: PostgresError.self) {
                try database.connect().execute("SELECT no_such_function($1::int)", [.integer(1)])
            }
            #expect(error.sqlState == "42883")
            #expect(error.hint?.hasPrefix("No function matches the given name and argument types.") == true)
            #expect(error.description.contains("; hint: No function matches"))
        }
    }

    /// Parameters are bound, never spliced into the SQL, and a parameterised statement is one
    /// command: a semicolon cannot smuggle in a second.
    @Test func aStatementWithParametersIsExactlyOneCommand() throws {
        try TestDatabase.with { database in
            let error = try #require(throws: PostgresError.self) {
                try database.connect().execute("SELECT $1::text; SELECT 2", [.text("x")])
            }
            #expect(error.sqlState == "42601")
            #expect(error.message == "cannot insert multiple commands into a prepared statement")
        }
    }

    /// A C string ends at NUL, so such text would be cut short: it is refused before sending.
    @Test func aNULCharacterIsRefusedRatherThanTruncated() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let parameterError = try #require(throws: PostgresError.self) {
                try connection.execute("SELECT $1::text, $2::text", [.text("fine"), .text("cut\0here")])
            }
            #expect(parameterError.kind == .query)
            #expect(parameterError.sqlState == nil)
            #expect(parameterError.message == "parameter $2 contains a NUL character, which PostgreSQL text cannot hold")
            let sqlError = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1\0; DROP") }
            #expect(sqlError.message == "the SQL text contains a NUL character")
        }
    }

    /// COPY needs a protocol this adapter does not speak; libpq leaves COPY mode on the next call.
    @Test func copyIsAProtocolViolationAndTheConnectionRecovers() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PostgresError.self) {
                try connection.execute("COPY (SELECT 1) TO STDOUT")
            }
            #expect(error.kind == .protocolViolation)
            #expect(error.message.contains("PGRES_COPY_OUT"))
            #expect(try connection.execute("SELECT 2 AS two").int(0, "two") == 2)
        }
    }

    @Test func aConnectionTheServerEndsIsAConnectionError() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PostgresError.self) {
                try connection.execute("SELECT pg_terminate_backend(pg_backend_pid())")
            }
            #expect(error.kind == .connection)
            #expect(error.description.hasPrefix("lost the connection to PostgreSQL: "))
        }
    }
}
