import ExpctlPostgres
import PostgresTestSupport
import Testing

@Suite("Parameters and values")
struct ParameterTests {
    static let awkwardStrings = [
        "it's", #"a "quoted" value"#, "semi;colon'); DROP TABLE texts; --", #"back\slash \n \\ \'"#,
        "ünïcödé 日本語 עברית", "emoji 🧪🚀 👩‍🔬 🇳🇱", "", "tab\tnew\nline\r\n", "$1 $$ %s %%", "  padded  ",
    ]

    @Test func textRoundTripsVerbatimAsAParameterAndThroughATable() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("CREATE TABLE texts (position int PRIMARY KEY, value text)")
            for (position, string) in Self.awkwardStrings.enumerated() {
                #expect(try connection.execute("SELECT $1::text AS v", [.text(string)]).string(0, "v") == string)
                try connection.execute(
                    "INSERT INTO texts VALUES ($1, $2)", [.integer(Int64(position)), .text(string)])
            }
            let stored = try connection.execute("SELECT value FROM texts ORDER BY position")
            #expect(stored.rows == Self.awkwardStrings.map { [$0] })
        }
    }

    @Test func nullParametersAreSQLNull() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let result = try connection.execute(
                "SELECT $1::text AS t, $2::bigint AS i, $2::bigint IS NULL AS is_null, $3::text AS after",
                [.text("before"), .null, .text("after")])
            #expect(result.string(0, "t") == "before")
            #expect(result.string(0, "i") == nil)
            #expect(result.int(0, "i") == nil)
            #expect(result.bool(0, "is_null") == true)
            #expect(result.string(0, "after") == "after")

            try connection.execute("CREATE TABLE maybe (value text)")
            try connection.execute("INSERT INTO maybe VALUES ($1), ($2)", [.null, .text("")])
            #expect(try connection.execute("SELECT value FROM maybe ORDER BY value NULLS FIRST").rows == [[nil], [""]])
        }
    }

    @Test func integersDoublesAndBooleansRoundTrip() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            for value in [Int64.min, -1, 0, 42, Int64.max] {
                #expect(try connection.execute("SELECT $1::bigint AS v", [.integer(value)]).int(0, "v") == value)
            }
            for value in [0.1, -2.5e-300, 1e300, 123_456.789, -0.0, .infinity, -.infinity] {
                #expect(try connection.execute("SELECT $1::float8 AS v", [.double(value)]).double(0, "v") == value)
            }
            #expect(try connection.execute("SELECT $1::float8 AS v", [.double(.nan)]).double(0, "v")?.isNaN == true)
            for value in [true, false] {
                #expect(try connection.execute("SELECT $1::boolean AS v", [.bool(value)]).bool(0, "v") == value)
            }
        }
    }

    @Test func jsonIsSentAsTextAndCastInSQL() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let document = #"{"variants": [{"name": "it's", "weight": 0.5}, null], "note": "🧪 \"quoted\""}"#
            let result = try connection.execute(
                """
                SELECT $1::jsonb -> 'variants' -> 0 ->> 'name' AS name,
                       ($1::jsonb -> 'variants' -> 0 ->> 'weight')::float8 AS weight,
                       $1::jsonb ->> 'note' AS note,
                       $1::jsonb = '{"note": "🧪 \\"quoted\\"", "variants": [{"weight": 0.5, "name": "it''s"}, null]}'::jsonb AS same
                """, [.json(document)])
            #expect(result.string(0, "name") == "it's")
            #expect(result.double(0, "weight") == 0.5)
            #expect(result.string(0, "note") == #"🧪 "quoted""#)
            #expect(result.bool(0, "same") == true)

            let error = try #require(throws: PostgresError.self) {
                try connection.execute("SELECT $1::jsonb", [.json("{not json")])
            }
            #expect(error.sqlState == "22P02")
        }
    }

    @Test(arguments: [
        (Int64(1_714_566_600), Int32(0), "2024-05-01T12:30:00Z", "1714566600.000000"),
        (1_714_566_600, 250_000_000, "2024-05-01T12:30:00.25Z", "1714566600.250000"),
        (0, 123_456_000, "1970-01-01T00:00:00.123456Z", "0.123456"),
        (-1, 500_000_000, "1969-12-31T23:59:59.5Z", "-0.500000"),
        (1_714_566_600, -1, "2024-05-01T12:29:59.999999999Z", "1714566600.000000"),
        (951_782_400, 1_500_000_000, "2000-02-29T00:00:01.5Z", "951782401.500000"),
        (-2_208_988_800, 0, "1900-01-01T00:00:00Z", "-2208988800.000000"),
        (253_402_300_799, 0, "9999-12-31T23:59:59Z", "253402300799.000000"),
    ])
    func timestampsAreSentAsRFC3339UTC(seconds: Int64, nanoseconds: Int32, text: String, epoch: String) throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            let value = PostgresValue.timestamp(seconds: seconds, nanoseconds: nanoseconds)
            let result = try connection.execute(
                "SELECT $1::text AS sent, extract(epoch FROM $1::timestamptz)::text AS epoch", [value])
            #expect(result.string(0, "sent") == text)
            #expect(result.string(0, "epoch") == epoch)  // PostgreSQL rounds to microseconds
        }
    }

    @Test func aTimestampIsTheSameInstantWhateverTheSessionTimeZone() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try connection.execute("SET TIME ZONE 'America/New_York'")
            let result = try connection.execute(
                "SELECT $1::timestamptz = '2024-05-01 12:30:00+00'::timestamptz AS same",
                [.timestamp(seconds: 1_714_566_600, nanoseconds: 0)])
            #expect(result.bool(0, "same") == true)
        }
    }
}
