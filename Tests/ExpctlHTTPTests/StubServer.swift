import ExpctlHTTP
import Foundation
import Testing

/// `stub_server.py` (beside this file) running on a free loopback port, one per test. It stops
/// when `stop()` closes its stdin, and also when this process dies.
final class StubServer {
    let port: Int
    let scheme: String
    private let process = Process()
    private let input = Pipe()

    /// - Parameter tls: a certificate and its key (PEM files) to serve HTTPS with.
    init(tls: (certificate: String, key: String)? = nil) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("stub_server.py")
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + (tls.map { ["--tls", $0.certificate, $0.key] } ?? [])
        scheme = tls == nil ? "http" : "https"
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw StubServerError(message: "stub_server.py printed no port: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    func stop() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    /// The stub's own counters.
    func stats() throws -> (connections: Int, requests: Int) {
        let json = try JSONSerialization.jsonObject(with: Data(try fetch("/stats").body)) as? [String: Int]
        return (json?["connections"] ?? -1, json?["requests"] ?? -1)
    }

    /// How many requests the stub saw for `key` (under /flaky/KEY and /close/KEY).
    func count(_ key: String) throws -> Int {
        Int(try fetch("/count/\(key)").text) ?? -1
    }

    /// A request on a transport of its own, so that it does not count on the test's.
    private func fetch(_ path: String) throws -> HTTPResponse {
        try CurlTransport(retry: .never).send(.get(url(path)))
    }
}

struct StubServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A port on which nothing listens: a stub's, after it stopped.
func closedPort() throws -> Int {
    let server = try StubServer()
    let port = server.port
    server.stop()
    return port
}

/// Records the waits a transport asks for instead of sleeping.
final class SleepRecorder {
    private(set) var delays: [Double] = []
    var sleep: (Double) -> Void { { [self] in delays.append($0) } }
}

/// The stub's /echo answer.
struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [[String]]
    var body: String
    var connection: Int

    init(_ response: HTTPResponse) throws {
        self = try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    var bodyBytes: [UInt8] { Data(base64Encoded: body).map { [UInt8]($0) } ?? [] }

    /// The values of a header, by name in any case.
    func header(_ name: String) -> [String] {
        headers.filter { $0.first?.lowercased() == name.lowercased() }.compactMap { $0.last }
    }
}
