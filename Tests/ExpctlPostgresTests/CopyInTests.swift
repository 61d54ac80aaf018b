import ExpctlPostgres
import PostgresTestSupport
import Testing

@Suite("COPY FROM STDIN")
struct CopyInTests {
    /// A connection to a new database with `items (id integer PRIMARY KEY, label text, weight double precision)`.
    private func withItemsTable(_ body: (TestDatabase, PostgresConnection) throws -> Void) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE items (id integer PRIMARY KEY, label text, weight double precision)")
            try body(database, connection)
        }
    }

    private static let copyItems = "COPY items (id, label, weight) FROM STDIN"

    @Test func escapingCoversBackslashTabNewlineAndCarriageReturn() {
        #expect(CopyTextFormat.escape("plain text, ünïcode") == "plain text, ünïcode")
        #expect(CopyTextFormat.escape(#"a\b"#) == #"a\\b"#)
        #expect(CopyTextFormat.escape("a\tb\nc\rd") == #"a\tb\nc\rd"#)
        #expect(CopyTextFormat.escape(#"\N"#) == #"\\N"#)
        #expect(CopyTextFormat.escape("") == "")
        #expect(CopyTextFormat.escape("cut\0here") == nil)
        #expect(CopyTextFormat.null == #"\N"#)
    }

    /// Text that needs escaping, the literal text `\N`, empty text and NULL all read back as written.
    @Test func valuesReadBackExactly() throws {
        try withItemsTable { database, connection in
            let labels: [String?] = [
                "plain", "tab\there", "two\nlines", "cr\rlf\r\n", #"back\slash"#, #"\N"#, "", nil, "ünï €",
            ]
            let copied = try connection.copyIn(Self.copyItems) { writer in
                for (index, label) in labels.enumerated() {
                    writer.append(index)
                    try writer.append(label.map(PostgresValue.text) ?? .null)
                    writer.append(Double(index) + 0.25)
                    try writer.endRow()
                }
            }
            #expect(copied == labels.count)
            let result = try connection.execute("SELECT label, weight FROM items ORDER BY id")
            #expect(result.rows.indices.map { result.string($0, "label") } == labels)
            #expect(result.double(3, "weight") == 3.25)
        }
    }

    @Test func timestampsJSONAndSpecialNumbersGoThroughAppendRow() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE facts (at timestamptz, doc jsonb, x double precision, n bigint)")
            try connection.copyIn("COPY facts FROM STDIN") { writer in
                try writer.appendRow([
                    .timestamp(seconds: 1_735_689_600, nanoseconds: 500_000_000), .json(#"{"a": "t\tb"}"#),
                    .double(.infinity),
                    .integer(-7),
                ])
                try writer.appendRow([.null, .null, .double(.nan), .null])
            }
            let result = try connection.execute(
                """
                SELECT at = '2025-01-01T00:00:00.5Z' AS same, doc->>'a' AS a, x::text AS x, n
                FROM facts ORDER BY n NULLS LAST
                """
            )
            #expect(result.bool(0, "same") == true)
            #expect(result.string(0, "a") == "t\tb")
            #expect(result.string(0, "x") == "Infinity")
            #expect(result.int(0, "n") == -7)
            #expect(result.string(1, "x") == "NaN")
            #expect(result.string(1, "a") == nil)
        }
    }

    /// Rows are sent in chunks of about the chunk size, never one call per row.
    @Test func manyRowsAreSentInChunks() throws {
        try withItemsTable { database, connection in
            var chunks = 0
            var bytes = 0
            let copied = try connection.copyIn(Self.copyItems, chunkSize: 4096) { writer in
                for id in 1...20_000 {
                    writer.append(id)
                    try writer.append("item \(id)")
                    writer.appendNull()
                    try writer.endRow()
                }
                #expect(writer.rowCount == 20_000)
                chunks = writer.chunksSent
                bytes = writer.bytesSent
            }
            #expect(copied == 20_000)
            #expect(try database.count("items") == 20_000)
            // Each chunk went out once it held 4096 bytes, before the next row: at least 4096 bytes
            // and less than 4096 plus one row (these rows are under 32 bytes).
            #expect(chunks >= bytes / (4096 + 32), "\(chunks) chunks for \(bytes) bytes")
            #expect(chunks <= bytes / 4096 + 1, "\(chunks) chunks for \(bytes) bytes")
        }
    }

    /// The server reports a bad row when the data ends; the COPY leaves nothing, and the
    /// connection takes the next statement.
    @Test func aBadRowMidStreamFailsTheWholeCopyWithItsSQLState() throws {
        try withItemsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.copyIn(Self.copyItems, chunkSize: 1024) { writer in
                    for id in 1...5_000 {
                        if id == 100 { try writer.append("not a number") } else { writer.append(id) }
                        try writer.append("item")
                        writer.append(1.5)
                        try writer.endRow()
                    }
                }
            }
            #expect(error.kind == .query)
            #expect(error.sqlState == "22P02")
            #expect(error.message.contains("not a number"))
            #expect(error.function == "PQgetResult")
            #expect(try database.count("items") == 0)
            #expect(try connection.execute("SELECT 1 AS one").int(0, "one") == 1)
        }
    }

    @Test func aConstraintViolationFailsTheCopy() throws {
        try withItemsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.copyIn(Self.copyItems) { writer in
                    for id in [1, 2, 3, 2] { try writer.appendRow([.integer(Int64(id)), .text("x"), .null]) }
                }
            }
            #expect(error.sqlState == "23505")
            #expect(error.detail == "Key (id)=(2) already exists.")
            #expect(try database.count("items") == 0)
        }
    }

    /// A body that throws abandons the COPY: its own error comes back and nothing is copied.
    @Test func aThrowingBodyAbandonsTheCopy() throws {
        try withItemsTable { database, connection in
            #expect(throws: Abandon.self) {
                try connection.copyIn(Self.copyItems, chunkSize: 512) { writer in
                    for id in 1...1_000 { try writer.appendRow([.integer(Int64(id)), .text("x"), .null]) }
                    throw Abandon()
                }
            }
            #expect(try database.count("items") == 0)
            let copied = try connection.copyIn(Self.copyItems) {
                try $0.appendRow([.integer(1), .text("after"), .null])
            }
            #expect(copied == 1)
        }
    }

    @Test func aNULCharacterIsRefusedAndNothingIsCopied() throws {
        try withItemsTable { database, connection in
            let error = try #require(throws: PostgresError.self) {
                try connection.copyIn(Self.copyItems) { writer in
                    try writer.appendRow([.integer(1), .text("fine"), .null])
                    try writer.appendRow([.integer(2), .text("cut\0here"), .null])
                }
            }
            #expect(error.message == "field 2 of row 2 contains a NUL character, which PostgreSQL text cannot hold")
            #expect(try database.count("items") == 0)
        }
    }

    /// Inside a transaction, a failed COPY rolls back what came before it too.
    @Test func aFailedCopyInATransactionRollsBackEverything() throws {
        try withItemsTable { database, connection in
            do {
                try connection.transaction {
                    try connection.execute("INSERT INTO items VALUES (1, 'before', NULL)")
                    try connection.copyIn(Self.copyItems) { try $0.appendRow([.integer(1), .text("again"), .null]) }
                }
                Issue.record("the COPY did not fail")
            } catch is PostgresError {}
            #expect(try database.count("items") == 0)
            try connection.transaction {
                try connection.execute("INSERT INTO items VALUES (1, 'before', NULL)")
                try connection.copyIn(Self.copyItems) { try $0.appendRow([.integer(2), .text("copied"), .null]) }
            }
            #expect(try database.count("items") == 2)
        }
    }

    @Test func statementsThatAreNotACopyFromStdinAreRefused() throws {
        try withItemsTable { database, connection in
            let syntax = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY items FRM STDIN") { _ in }
            }
            #expect(syntax.sqlState == "42601")
            let select = try #require(throws: PostgresError.self) { try connection.copyIn("SELECT 1") { _ in } }
            #expect(select.kind == .protocolViolation)
            #expect(select.message == "copyIn runs COPY ... FROM STDIN, but the statement gave PGRES_TUPLES_OK")
            let out = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY items TO STDOUT") { _ in }
            }
            #expect(out.message.hasSuffix("PGRES_COPY_OUT"))
            #expect(try connection.execute("SELECT 2 AS two").int(0, "two") == 2)
        }
    }

    @Test func theStatementObserverSeesTheCopy() throws {
        try withItemsTable { database, connection in
            var seen: [String] = []
            connection.statementObserver = { seen.append($0) }
            try connection.copyIn(Self.copyItems) { try $0.appendRow([.integer(1), .text("x"), .null]) }
            #expect(seen == [Self.copyItems])
        }
    }
}
