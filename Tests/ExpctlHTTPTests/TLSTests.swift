import ExpctlHTTP
import Foundation
import Testing

private let openssl = "/usr/bin/openssl"

/// HTTPS against the stub with a certificate made for the test: verification is on, so the
/// system store refuses it and a CA bundle naming it is accepted.
@Suite("TLS", .enabled(if: FileManager.default.isExecutableFile(atPath: openssl), "needs the openssl command"))
struct TLSTests {
    @Test func anUntrustedCertificateIsRefusedAndNotRetried() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try StubServer(tls: (certificate.certificate, certificate.key))
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        do {
            _ = try transport.send(.get(server.url("/echo/tls")))
            Issue.record("trusted a self-signed certificate")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.curlCode == 60)  // CURLE_PEER_FAILED_VERIFICATION
            #expect(error.attempts == 1)
        }
        #expect(clock.delays.isEmpty)
    }

    @Test func aCABundleNamingTheCertificateIsTrusted() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try StubServer(tls: (certificate.certificate, certificate.key))
        defer { server.stop() }
        let transport = CurlTransport(caBundle: certificate.certificate)
        _ = try transport.send(.get(server.url("/echo/first")))
        let echo = try Echo(transport.send(.post(server.url("/echo/tls"), body: [0, 1, 2])))
        #expect(echo.bodyBytes == [0, 1, 2])
        _ = try transport.send(.get(server.url("/echo/again")))
        #expect(transport.connectionCount == 2)  // the GETs' and the POST's own
    }

    @Test func aMissingCABundleIsATLSError() throws {
        let certificate = try SelfSignedCertificate()
        defer { certificate.remove() }
        let server = try StubServer(tls: (certificate.certificate, certificate.key))
        defer { server.stop() }
        let transport = CurlTransport(sleep: SleepRecorder().sleep, caBundle: "/nonexistent/ca.pem")
        do {
            _ = try transport.send(.get(server.url("/echo/tls")))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tls)
            #expect(error.curlCode == 77)  // CURLE_SSL_CACERT_BADFILE
            #expect(error.attempts == 1)
        }
    }
}

/// A certificate for 127.0.0.1 and its key, in a temporary directory.
private struct SelfSignedCertificate {
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "\(directory.path)/key.pem",
            "-out", "\(directory.path)/cert.pem",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StubServerError(message: "openssl req failed") }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
