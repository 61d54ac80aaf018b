import ExpctlPostgres
import Foundation

/// The URL of database `name` on the server of `--database-url` (else `DATABASE_URL`).
func benchmarkDatabaseURL(replacing name: String, base databaseURL: String?) throws -> String {
    guard let base = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"],
        var components = URLComponents(string: base)
    else { throw BenchmarkErrorText("give --database-url or DATABASE_URL (a URL) for the benchmark's server") }
    components.path = "/" + name
    return components.string ?? base
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

struct BenchmarkErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A parameter spelt as a literal, for `psql` to run a statement its benchmark runs with parameters.
func psqlLiteral(_ value: PostgresValue) throws -> String {
    switch value {
    case .null: return "NULL"
    case .text(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    case .integer(let number): return String(number)
    case .bool(let flag): return flag ? "true" : "false"
    default: throw BenchmarkErrorText("psql: a parameter of a kind the benchmarks do not spell")
    }
}
