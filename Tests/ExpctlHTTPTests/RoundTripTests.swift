import ExpctlHTTP
import Foundation
import Testing

/// Bytes no text codec would keep: NULs, invalid UTF-8, CR and LF.
private let awkwardBytes: [UInt8] = [0, 255, 1, 0xC3, 0x28, 10, 13, 0, 0xF0, 0x9F, 0x92, 0x96, 0x80, 0]

/// `count` bytes of `block` over and over.
private func repeating(_ block: [UInt8], count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + block.count)
    while bytes.count < count { bytes += block }
    return Array(bytes[0..<count])
}

@Suite("CurlTransport round trips against the stub server")
struct RoundTripTests {
    @Test(arguments: ["GET", "POST", "PUT", "PATCH", "DELETE"])
    func methodHeadersAndBodyArriveExactly(method: String) throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        let body: [UInt8]? = method == "GET" ? nil : awkwardBytes
        let request = HTTPRequest(
            method: method, url: server.url("/echo/\(method.lowercased())?q=1"),
            headers: [("X-Trace", "abc 123"), ("X-Empty", ""), ("Accept", "application/json")], body: body)

        let response = try transport.send(request)

        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.headers["content-type"] == "application/json")
        let echo = try Echo(response)
        #expect(echo.method == method)
        #expect(echo.path == "/echo/\(method.lowercased())?q=1")
        #expect(echo.bodyBytes == (body ?? []))
        #expect(echo.header("X-Trace") == ["abc 123"])
        #expect(echo.header("X-Empty") == [""])
        #expect(echo.header("Accept") == ["application/json"])
        #expect(echo.header("Content-Length") == (body.map { ["\($0.count)"] } ?? []))
        // libcurl's form type and 100-continue are switched off.
        #expect(echo.header("Content-Type").isEmpty)
        #expect(echo.header("Expect").isEmpty)
        #expect(echo.header("User-Agent").first?.hasPrefix("expctl") == true)
        #expect(transport.requestCount == 1)
    }

    @Test func aBodilessPostSendsAnEmptyBodyAndACallersContentTypeIsKept() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        let empty = try Echo(transport.send(.post(server.url("/echo/empty"), body: nil)))
        #expect(empty.method == "POST")
        #expect(empty.header("Content-Length") == ["0"])
        let json = try Echo(
            transport.send(.post(server.url("/echo/json"), headers: [("Content-Type", "application/json")], body: Array("{}".utf8))))
        #expect(json.header("Content-Type") == ["application/json"])
        #expect(json.bodyBytes == Array("{}".utf8))
    }

    /// One handle serves every request, so nothing of one request may leak into the next.
    @Test func nothingCarriesOverBetweenRequestsOnOneHandle() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        _ = try transport.send(.put(server.url("/echo/1"), headers: [("X-Once", "1")], body: awkwardBytes))
        let get = try Echo(transport.send(.get(server.url("/echo/2"))))
        #expect(get.method == "GET")
        #expect(get.bodyBytes.isEmpty)
        #expect(get.header("Content-Length").isEmpty)
        #expect(get.header("X-Once").isEmpty)

        let head = try transport.send(HTTPRequest(method: "HEAD", url: server.url("/echo/3")))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.header("content-length") ?? "") ?? 0 > 0)

        let delete = try Echo(transport.send(.delete(server.url("/echo/4"))))
        #expect(delete.method == "DELETE")
        #expect(delete.bodyBytes.isEmpty)
        let post = try Echo(transport.send(.post(server.url("/echo/5"), body: [1, 2, 3])))
        #expect(post.method == "POST")
        #expect(post.bodyBytes == [1, 2, 3])
        #expect(transport.requestCount == 5)
    }

    @Test func largeBodiesBothWays() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        let size = 6_000_000
        let download = try transport.send(.get(server.url("/large?bytes=\(size)")))
        #expect(download.status == 200)
        #expect(download.body.count == size)
        // Data's == compares with memcmp: fast in a debug build, unlike [UInt8]'s.
        #expect(Data(download.body) == Data(repeating(Array(0..<251), count: size)))

        let upload = repeating(Array(0...255) + awkwardBytes, count: 4_000_000)
        let echo = try Echo(transport.send(.put(server.url("/echo/large"), body: upload)))
        #expect(Data(echo.bodyBytes) == Data(upload))
    }

    @Test func keepsTheConnectionAliveAcrossManyRequests() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(retry: .never)
        var connections: Set<Int> = []
        for index in 0..<200 {
            let response = try transport.send(.get(server.url("/echo/\(index)")))
            #expect(response.status == 200)
            connections.insert(try Echo(response).connection)
        }
        #expect(transport.requestCount == 200)
        #expect(transport.connectionCount == 1)
        #expect(connections.count == 1)
        let stats = try server.stats()
        #expect(stats.requests == 201)  // the 200 and /stats
        #expect(stats.connections == 2)  // the transport's and the one /stats came on
    }

    @Test func aRedirectIsAResponse() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let response = try transport.send(.get(server.url("/redirect")))
        #expect(response.status == 301)
        #expect(response.header("Location") == "/echo/redirected")
        #expect(response.text == "moved")
        #expect(transport.requestCount == 1)
    }

    @Test func aServerErrorIsAResponseNotAnError() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let response = try transport.send(.get(server.url("/status/500")))
        #expect(response.status == 500)
        #expect(!response.isSuccess)
        #expect(response.text == "status 500")
        #expect(transport.requestCount == 1)
    }

    @Test(arguments: [
        HTTPRequest(method: "GE T", url: "http://127.0.0.1:1/"),
        HTTPRequest(url: "http://127.0.0.1:1/a\0b"),
        HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X-Bad", "a\r\nInjected: 1")]),
        HTTPRequest(url: "http://127.0.0.1:1/", headers: [("Bad Name", "a")]),
    ])
    func malformedRequestsAreRefusedBeforeAnyAttempt(request: HTTPRequest) throws {
        let transport = CurlTransport()
        do {
            _ = try transport.send(request)
            Issue.record("sent a malformed request")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.attempts == 0)
            #expect(!error.description.contains("Injected"))
        }
        #expect(transport.requestCount == 0)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "http://[::1/"])
    func onlyHTTPAndHTTPSAreSpoken(url: String) throws {
        let transport = CurlTransport()
        do {
            _ = try transport.send(.get(url))
            Issue.record("fetched \(url)")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.attempts == 1)
            #expect(error.curlCode != nil)
        }
    }
}
