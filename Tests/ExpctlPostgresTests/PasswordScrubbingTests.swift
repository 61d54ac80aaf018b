// The test server trusts every connection, so a wrong password cannot be provoked; instead these
// check directly that no text built from settings with a password contains it: descriptions,
// libpq's own error text, and the server's messages.
import ExpctlPostgres
import PostgresTestSupport
import Foundation
import Testing

@Suite("Passwords never appear in messages")
struct PasswordScrubbingTests {
    @Test(arguments: [
        ("postgresql://expctl:hunter2@127.0.0.1:5432/app", "postgresql://expctl:***@127.0.0.1:5432/app"),
        ("postgres://expctl:hun%40ter2@db.internal/app?sslmode=disable",
         "postgres://expctl:***@db.internal/app?sslmode=disable"),
        ("postgresql://expctl@127.0.0.1/app?sslmode=disable&password=hunter2",
         "postgresql://expctl@127.0.0.1/app?sslmode=disable&password=***"),
        ("host=127.0.0.1 password=hunter2 user=expctl", "host=127.0.0.1 password=*** user=expctl"),
        ("host=127.0.0.1 password = 'hunter 2' user=expctl", "host=127.0.0.1 password = *** user=expctl"),
        ("postgresql://127.0.0.1/app", "postgresql://127.0.0.1/app"),
    ])
    func theDescriptionOfAURLOrConnectionStringMasksThePassword(url: String, expected: String) {
        #expect(ConnectionSettings.resolve(databaseURL: url, environment: [:]).redactedDescription == expected)
    }

    @Test func theDescriptionOfTheEnvironmentMasksPGPASSWORD() {
        let settings = ConnectionSettings.resolve(
            databaseURL: nil,
            environment: ["PGHOST": "db.internal", "PGUSER": "expctl", "PGPASSWORD": "hunter2", "HOME": "/root"])
        #expect(settings.redactedDescription == "PG* environment (PGHOST=db.internal, PGUSER=expctl, PGPASSWORD=***)")
    }

    @Test func aConnectionErrorDoesNotShowThePassword() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: "postgresql://expctl:hunter2@127.0.0.1:1/app", environment: [:])
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(settings) }
        #expect(error.kind == .connection)
        #expect(!error.description.contains("hunter2"))
    }

    /// libpq quotes a malformed percent-encoding back in its error, password and all.
    @Test func libpqsOwnErrorTextIsScrubbed() throws {
        let settings = ConnectionSettings.resolve(
            databaseURL: "postgresql://expctl:hunter2%zz@127.0.0.1:1/app", environment: [:])
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(settings) }
        #expect(error.kind == .connection)
        #expect(error.message.contains("percent"))
        #expect(!error.message.contains("hunter2"))
        #expect(!error.description.contains("hunter2"))
    }

    /// The server echoes a bad value back in its message; if that value is the password, the
    /// message must not show it (whether the password came from the URL or PGPASSWORD).
    @Test func theServersMessagesAreScrubbed() throws {
        try TestDatabase.with { database in
            let password = "s3cret-ü🧪"
            let url = try database.url { $0.password = password }
            let connection = try PostgresConnection(
                .resolve(databaseURL: url, environment: ["PGPASSWORD": "zebra-horse-battery"]))
            for secret in [password, "zebra-horse-battery", "dbname=app password=hunter2"] {
                let error = try #require(throws: PostgresError.self) {
                    try connection.execute("SELECT $1::int", [.text(secret)])
                }
                #expect(error.sqlState == "22P02")
                #expect(error.message.hasPrefix("invalid input syntax for type integer: "))
                for text in [error.message, error.description] {
                    #expect(!text.contains("s3cret"))
                    #expect(!text.contains("zebra"))
                    #expect(!text.contains("hunter2"))
                }
            }
        }
    }
}
