@testable import ExpctlHTTP
import Foundation
import Testing

@Suite("Credentials reach the server and nothing else")
struct CredentialTests {
    @Test func aBearerTokenIsSentAndNeverDescribed() throws {
        let server = try StubServer()
        defer { server.stop() }
        let token = "mlflow-tok-9f8e7d"
        let transport = CurlTransport(retry: .never, credentials: .bearer(token))
        let echo = try Echo(transport.send(.get(server.url("/echo/bearer"))))
        #expect(echo.header("Authorization") == ["Bearer \(token)"])

        let error = try failure(transport, url: "http://127.0.0.1:\(try closedPort())/x")
        #expect(!error.description.contains(token))
        #expect(!"\(HTTPCredentials.bearer(token))".contains(token))
    }

    @Test func basicCredentialsAreSentAndNeverDescribed() throws {
        let server = try StubServer()
        defer { server.stop() }
        let encoded = Data("admin:pa ss:w@rd".utf8).base64EncodedString()
        let transport = CurlTransport(retry: .never, credentials: .basic(user: "admin", password: "pa ss:w@rd"))
        let echo = try Echo(transport.send(.get(server.url("/echo/basic"))))
        #expect(echo.header("Authorization") == ["Basic \(encoded)"])

        let error = try failure(transport, url: "http://127.0.0.1:\(try closedPort())/x")
        #expect(!error.description.contains("pa ss:w@rd"))
        #expect(!error.description.contains(encoded))
        #expect("\(HTTPCredentials.basic(user: "admin", password: "pa ss:w@rd"))" == "basic admin:***")
    }

    @Test func aRequestsOwnAuthorizationWins() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never, credentials: .bearer("transport-token"))
        let request = HTTPRequest.get(server.url("/echo/own"), headers: [("authorization", "Bearer request-token")])
        let echo = try Echo(transport.send(request))
        #expect(echo.header("Authorization") == ["Bearer request-token"])
    }

    @Test func userinfoInTheURLIsSentAsBasicAndScrubbedFromErrors() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        let echo = try Echo(transport.send(.get("http://alice:s%3Acret@127.0.0.1:\(server.port)/echo/userinfo")))
        #expect(echo.header("Authorization") == ["Basic \(Data("alice:s:cret".utf8).base64EncodedString())"])

        let port = try closedPort()
        let error = try failure(transport, url: "http://alice:s%3Acret@127.0.0.1:\(port)/x")
        #expect(error.url == "http://***@127.0.0.1:\(port)/x")
        for secret in ["s%3Acret", "s:cret", "alice"] { #expect(!error.description.contains(secret)) }
    }

    @Test func aHeaderValueNeverAppearsInAnInvalidRequestError() throws {
        let transport = CurlTransport(credentials: .bearer("tok"))
        let error = try failure(transport, request: .get("http://127.0.0.1:1/", headers: [("X-Key", "secret-value\n")]))
        #expect(error.kind == .invalidRequest)
        #expect(!error.description.contains("secret-value"))
        #expect(error.description.contains("X-Key"))
    }

    private func failure(_ transport: CurlTransport, url: String) throws -> HTTPError {
        try failure(transport, request: .get(url))
    }

    private func failure(_ transport: CurlTransport, request: HTTPRequest) throws -> HTTPError {
        do {
            let response = try transport.send(request)
            throw StubServerError(message: "expected an error, got \(response.status)")
        } catch let error as HTTPError {
            return error
        }
    }
}

@Suite("SecretScrubber")
struct SecretScrubberTests {
    @Test(arguments: [
        ("https://user:pw@mlflow.example.com/api?x=1", "https://***@mlflow.example.com/api?x=1"),
        ("https://token@host", "https://***@host"),
        ("http://host:5000/path", "http://host:5000/path"),
        ("user:pw@host/x", "***@host/x"),
        ("http://host/get?name=m&token=abc&X-Amz-Signature=f00#frag", "http://host/get?name=m&token=***&X-Amz-Signature=***#frag"),
        ("http://host/a?api_key=1;key=2&monkey=3", "http://host/a?api_key=***;key=***&monkey=3"),
        ("http://host/models/planner@production", "http://host/models/planner@production"),
    ])
    func scrubsURLs(url: String, scrubbed: String) {
        #expect(SecretScrubber.scrubURL(url) == scrubbed)
    }

    @Test func scrubsKnownSecretsInEveryFormAndURLsInText() {
        let text = "Failed: token s3:cr/t, encoded s3%3Acr%2Ft; see 'http://bob:other@h:1/x' and https://k@h2/"
        #expect(
            SecretScrubber.scrub(text, secrets: ["s3:cr/t"])
                == "Failed: token ***, encoded ***; see 'http://***@h:1/x' and https://***@h2/")
    }

    @Test func aSecretInsideALongerOneIsMaskedWhole() {
        #expect(SecretScrubber.scrub("abcdef abc", secrets: ["abc", "abcdef"]) == "*** ***")
    }

    @Test func findsTheSecretInAURL() {
        #expect(SecretScrubber.secrets(inURL: "https://u:p%40ss@h/x") == ["p%40ss"])
        #expect(SecretScrubber.secrets(inURL: "https://tok@h/x") == ["tok"])
        #expect(SecretScrubber.secrets(inURL: "https://h/x@y").isEmpty)
        #expect(SecretScrubber.secrets(inURL: "https://u:@h/").isEmpty)
    }
}

@Suite("ResponseSink")
struct ResponseSinkTests {
    @Test func keepsTheLastHeaderBlockWithLowerCasedJoinedNames() {
        let sink = ResponseSink()
        for line in [
            "HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 200 OK\r\n", "Set-Cookie: a=1\r\n", "set-cookie: b=2\r\n",
            "X-Folded: one\r\n", "  two\r\n", "Content-Type:text/plain \r\n", "\r\n",
        ] {
            Array(line.utf8).withUnsafeBufferPointer { sink.receiveHeaderLine($0) }
        }
        #expect(sink.headers == ["set-cookie": "a=1, b=2", "x-folded": "one two", "content-type": "text/plain"])
    }
}
