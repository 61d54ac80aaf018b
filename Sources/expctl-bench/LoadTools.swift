import Foundation

/// The load generators `expctl-bench serve` drives: wrk against the service, pgbench against
/// PostgreSQL for the floor. Both are Debian packages (`apt-get install wrk`; pgbench is in the
/// server's binary directory, `pg_config --bindir`).
enum LoadTools {
    /// What wrk measured.
    struct WrkFigures {
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var requests: Int
        var non2xx: Int
        var socketErrors: String?
    }

    /// Runs `wrk --latency` with a Lua script that builds each request.
    static func wrk(url: String, script: String, connections: Int, threads: Int, seconds: Int) throws -> WrkFigures {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-\(UUID().uuidString).lua")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try run(
            "wrk", ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "--timeout", "10s", "-s", file.path, url])
        guard let rate = number(after: "Requests/sec:", in: output), let p50 = latency("50%", in: output),
            let p99 = latency("99%", in: output)
        else { throw BenchmarkErrorText("cannot read wrk's output:\n\(output)") }
        let total = output.split(separator: "\n").first { $0.contains("requests in") }.flatMap {
            Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        }
        let non2xx = output.split(separator: "\n").first { $0.contains("Non-2xx or 3xx responses:") }.flatMap {
            Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces))
        }
        let errors = output.split(separator: "\n").first { $0.contains("Socket errors:") }.map(String.init)
        return WrkFigures(
            requestsPerSecond: rate, p50Milliseconds: p50, p99Milliseconds: p99, requests: total ?? 0,
            non2xx: non2xx ?? 0, socketErrors: errors)
    }

    /// What pgbench measured.
    struct PgbenchFigures {
        var transactionsPerSecond: Double
        var averageLatencyMilliseconds: Double
    }

    /// Runs a custom pgbench script (`-n`: no vacuum of its own tables, `-M prepared`).
    static func pgbench(url: String, script: String, clients: Int, threads: Int, seconds: Int) throws -> PgbenchFigures {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-\(UUID().uuidString).sql")
        try Data(script.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try run(
            pgbenchPath(), ["-n", "-M", "prepared", "-c", "\(clients)", "-j", "\(threads)", "-T", "\(seconds)", "-f", file.path, url])
        guard let tps = number(after: "tps =", in: output), let latency = number(after: "latency average =", in: output)
        else { throw BenchmarkErrorText("cannot read pgbench's output:\n\(output)") }
        return PgbenchFigures(transactionsPerSecond: tps, averageLatencyMilliseconds: latency)
    }

    private static func pgbenchPath() throws -> String {
        let bindir = try run("pg_config", ["--bindir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let path = bindir + "/pgbench"
        return FileManager.default.isExecutableFile(atPath: path) ? path : "pgbench"
    }

    /// Runs a program found on the PATH; its standard output and error together.
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw BenchmarkErrorText("cannot run \(program): \(error) (apt-get install wrk, postgresql-15)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw BenchmarkErrorText("\(program) exited with \(process.terminationStatus):\n\(text)")
        }
        return text
    }

    private static func number(after label: String, in text: String) -> Double? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { $0.isNumber || $0 == "." })
    }

    /// A latency line of wrk's distribution (`50%  1.23ms`), in milliseconds.
    private static func latency(_ percentile: String, in text: String) -> Double? {
        guard let line = text.split(separator: "\n").first(where: {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix(percentile)
        }) else { return nil }
        let value = line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where value.hasSuffix(suffix) {
            return Double(value.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
