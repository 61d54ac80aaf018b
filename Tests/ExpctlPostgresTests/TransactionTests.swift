import ExpctlPostgres
import PostgresTestSupport
import Testing

@Suite("Transactions")
struct TransactionTests {
    /// A connection to a new database with an empty table `runs (name text PRIMARY KEY)`.
    private func withRunsTable(_ body: (TestDatabase, PostgresConnection) throws -> Void) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE runs (name text PRIMARY KEY)")
            try body(database, connection)
        }
    }

    @Test func aTransactionCommitsAndReturnsTheBodysValue() throws {
        try withRunsTable { database, connection in
            let inserted = try connection.transaction {
                try connection.execute("INSERT INTO runs VALUES ($1), ($2)", [.text("a"), .text("b")]).affectedRows
            }
            #expect(inserted == 2)
            #expect(try database.count("runs") == 2)
        }
    }

    @Test func aThrowingBodyRollsBackAndItsErrorIsRethrown() throws {
        try withRunsTable { database, connection in
            #expect(throws: Abandon.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("a")])
                    #expect(try database.count("runs") == 0)  // not visible to others before COMMIT
                    throw Abandon()
                }
            }
            #expect(try database.count("runs") == 0)
            // The connection is out of the transaction: a new one works.
            try connection.transaction { try connection.execute("INSERT INTO runs VALUES ($1)", [.text("b")]) }
            #expect(try database.count("runs") == 1)
        }
    }

    @Test func aFailedStatementRollsEverythingBack() throws {
        try withRunsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("a")])
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("b")])
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("a")])
                }
            }
            #expect(error.kind == .query)
            #expect(error.sqlState == "23505")
            #expect(try database.count("runs") == 0)
            #expect(try connection.execute("SELECT count(*) AS n FROM runs").int(0, "n") == 0)
        }
    }

    /// The server aborts a transaction at its first failed statement; a body that swallows the
    /// error cannot commit what came before it.
    @Test func aBodyThatSwallowsAFailedStatementDoesNotCommit() throws {
        try withRunsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("a")])
                    _ = try? connection.execute("INSERT INTO runs VALUES ($1)", [.text("a")])
                }
            }
            #expect(error.kind == .transaction)
            #expect(
                error.description
                    == "transaction failed: COMMIT rolled the transaction back because a statement in it had failed")
            #expect(try database.count("runs") == 0)
        }
    }

    @Test func transactionsDoNotNest() throws {
        try withRunsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO runs VALUES ($1)", [.text("outer")])
                    try connection.transaction {
                        try connection.execute("INSERT INTO runs VALUES ($1)", [.text("inner")])
                    }
                }
            }
            #expect(error.kind == .transaction)
            #expect(error.message.contains("do not nest"))
            #expect(try database.count("runs") == 0)

            try connection.execute("BEGIN")
            #expect(throws: PostgresError.self) { try connection.transaction {} }
            try connection.execute("ROLLBACK")
        }
    }
}
