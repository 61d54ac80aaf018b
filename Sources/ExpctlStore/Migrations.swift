public import ExpctlPostgres
import Foundation

/// The versioned changes to the `exp` schema, embedded in the binary. Append only: a released
/// migration never changes, the next change is the next version.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    var sql: String

    public static let all: [Migration] = [
        Migration(version: 1, name: "exp schema", sql: SchemaV1.sql),
        Migration(version: 2, name: "run records of cross-system applies", sql: SchemaV2.sql),
        Migration(version: 3, name: "variants belong to the experiment a row names", sql: SchemaV3.sql),
        Migration(version: 4, name: "the job ledger, model versions always named, variant order", sql: SchemaV4.sql),
        Migration(version: 5, name: "dataset jobs in the ledger", sql: SchemaV5.sql),
        Migration(version: 6, name: "offline replay evaluations with their per-row scores", sql: SchemaV6.sql),
        Migration(version: 7, name: "gate decisions and the assignment salt", sql: SchemaV7.sql),
        Migration(version: 8, name: "metrics aggregation indexes and the Metabase views", sql: SchemaV8.sql),
        Migration(version: 9, name: "client event ids and events in several experiments", sql: SchemaV9.sql),
        Migration(version: 10, name: "jobs submitted to a cluster, recorded before they are submitted", sql: SchemaV10.sql),
        Migration(version: 11, name: "events partitioned by day, per-unit gate sums from a watermark", sql: SchemaV11.sql),
    ]

    /// The statements of `sql`, which end with `;` at the end of a line: the extended query
    /// protocol takes one statement at a time.
    var statements: [String] {
        sql.components(separatedBy: ";\n").map { statement in
            statement.split(separator: "\n").filter { !$0.drop(while: { $0 == " " }).hasPrefix("--") }.joined(
                separator: "\n")
        }.filter { !$0.allSatisfy(\.isWhitespace) }
    }
}

/// Brings a database's `exp` schema up to date, under a lock so that two processes starting
/// at once do not both migrate.
public enum Migrator {
    /// The key of the transaction-level advisory lock migrations hold (ASCII "expctlmg").
    static let lockKey: Int64 = 0x6578_7063_746C_6D67

    /// Applies the migrations the database lacks, in order, in one transaction; returns the
    /// versions applied (empty when up to date). Refuses a database whose schema is newer than
    /// this build knows.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, migrations: [Migration] = Migration.all) throws
        -> [Int]
    {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(lockKey)])
            try connection.execute("CREATE SCHEMA IF NOT EXISTS exp")
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS exp.schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
            let result = try connection.execute("SELECT version FROM exp.schema_migrations")
            let applied = Set(result.rows.indices.compactMap { result.int($0, "version").map(Int.init) })
            let known = migrations.map(\.version).max() ?? 0
            if let newest = applied.max(), newest > known {
                throw StoreError.schemaTooNew(found: newest, known: known)
            }
            var ran: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version })
            where !applied.contains(migration.version) {
                for statement in migration.statements { try connection.execute(statement) }
                try connection.execute(
                    "INSERT INTO exp.schema_migrations (version, name) VALUES ($1, $2)",
                    [.integer(Int64(migration.version)), .text(migration.name)])
                ran.append(migration.version)
            }
            return ran
        }
    }
}
