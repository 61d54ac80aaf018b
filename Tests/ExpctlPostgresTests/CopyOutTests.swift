import ExpctlPostgres
import Foundation
import PostgresTestSupport
import Testing

@Suite("COPY … TO STDOUT")
struct CopyOutTests {
    @Test func everyRowArrivesAsOneLineInOrder() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            var lines: [String] = []
            let count = try connection.copyOut("COPY (SELECT g, 'x' || g FROM generate_series(1, 2500) g) TO STDOUT") {
                lines.append(String(decoding: $0, as: UTF8.self))
            }
            #expect(count == 2500)
            #expect(lines.first == "1\tx1\n")
            #expect(lines.last == "2500\tx2500\n")
        }
    }

    @Test func aFailingQueryIsAQueryErrorWithItsSQLState() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let error = try #require(throws: PostgresError.self) {
                try connection.copyOut("COPY (SELECT 1 / (g - 3) FROM generate_series(1, 5) g) TO STDOUT") { _ in }
            }
            #expect(error.sqlState == "22012")
            #expect(try connection.execute("SELECT 1 AS one").int(0, "one") == 1)
        }
    }

    @Test func aReceiverThatThrowsCancelsTheCopyAndTheConnectionStaysUsable() throws {
        struct Enough: Error {}
        try TestDatabase.with { database in
            let connection = try database.connect()
            var seen = 0
            #expect(throws: Enough.self) {
                try connection.copyOut("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT") { _ in
                    seen += 1
                    if seen == 10 { throw Enough() }
                }
            }
            #expect(seen == 10)
            #expect(try connection.execute("SELECT 2 AS two").int(0, "two") == 2)
        }
    }

    @Test func literalsQuoteWhatTheyMustAndRefuseNUL() throws {
        #expect(PostgresLiteral.string("it's") == "'it''s'")
        #expect(PostgresLiteral.string("a\\b") == "'a\\b'")
        #expect(PostgresLiteral.identifier("my \"app\"") == "\"my \"\"app\"\"\"")
        #expect(PostgresLiteral.string("a\u{0}b") == nil)
        try TestDatabase.with { database in
            let connection = try database.connect()
            let text = "it's a \\ \"test\"; DROP TABLE x; --"
            let literal = try #require(PostgresLiteral.string(text))
            #expect(try connection.execute("SELECT \(literal) AS t").string(0, "t") == text)
        }
    }
}
