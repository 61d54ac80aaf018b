import ExpctlPostgres
import PostgresTestSupport
import Testing

@Suite("Results")
struct ResultTests {
    @Test func manyRowsAreCopiedWithColumnsAndNulls() throws {
        try TestDatabase.with { database in
            let result = try database.connect().execute(
                """
                SELECT g AS n, 'row ' || g AS label, CASE WHEN g % 10 = 0 THEN NULL ELSE g * 0.5 END AS half
                FROM generate_series(1, $1::int) AS g
                """, [.integer(20_000)])
            #expect(result.columns == ["n", "label", "half"])
            #expect(result.rows.count == 20_000)
            #expect(result.affectedRows == 20_000)
            #expect(result.commandTag == "SELECT 20000")
            #expect(result.int(0, "n") == 1)
            #expect(result.string(19_998, "label") == "row 19999")
            #expect(result.double(2, "half") == 1.5)
            #expect(result.string(9, "half") == nil)
            #expect(result.rows.filter { $0[2] == nil }.count == 2_000)
        }
    }

    @Test func commandsReportTheRowsTheyAffected() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let create = try connection.execute("CREATE TABLE policies (name text, version int)")
            #expect(create.affectedRows == 0)
            #expect(create.columns.isEmpty && create.rows.isEmpty)
            #expect(create.commandTag == "CREATE TABLE")
            let insert = try connection.execute(
                "INSERT INTO policies SELECT 'p' || g, g FROM generate_series(1, 5) AS g")
            #expect(insert.affectedRows == 5)
            #expect(insert.commandTag == "INSERT 0 5")
            #expect(try connection.execute("UPDATE policies SET version = version + 1 WHERE version > 2").affectedRows == 3)
            #expect(try connection.execute("DELETE FROM policies WHERE name = $1", [.text("p1")]).affectedRows == 1)
            let none = try connection.execute("SELECT name FROM policies WHERE false")
            #expect(none.columns == ["name"])
            #expect(none.rows.isEmpty)
        }
    }

    @Test func accessorsReadPostgreSQLsTextFormat() throws {
        try TestDatabase.with { database in
            let result = try database.connect().execute(
                """
                SELECT true AS yes, false AS no, 'yes' AS word, 12345678901 AS big, 'x1' AS not_a_number,
                       'NaN'::float8 AS nan, '-Infinity'::float8 AS minus_infinity, 2.5::numeric AS numeric
                """)
            #expect(result.bool(0, "yes") == true)
            #expect(result.bool(0, "no") == false)
            #expect(result.bool(0, "word") == nil)
            #expect(result.int(0, "big") == 12_345_678_901)
            #expect(result.int(0, "not_a_number") == nil)
            #expect(result.double(0, "nan")?.isNaN == true)
            #expect(result.double(0, "minus_infinity") == -.infinity)
            #expect(result.double(0, "numeric") == 2.5)
        }
    }
}
