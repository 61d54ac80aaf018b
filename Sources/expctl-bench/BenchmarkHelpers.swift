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
