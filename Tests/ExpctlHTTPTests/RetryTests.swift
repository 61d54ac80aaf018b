import CCurl
@testable import ExpctlHTTP
import Foundation
import Testing

@Suite("Retries and timeouts against the stub server (time injected)")
struct RetryTests {
    @Test func aGetIsRetriedThrough503sWithGrowingDelays() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let response = try transport.send(.get(server.url("/flaky/get?fail=2&status=503")))
        #expect(response.status == 200)
        #expect(response.text == "ok after 3")
        #expect(transport.requestCount == 3)
        #expect(clock.delays == [0.2, 0.4])
    }

    @Test(arguments: [502, 504])
    func gatewayErrorsAreRetriedForIdempotentRequests(status: Int) throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let response = try transport.send(.put(server.url("/flaky/put?fail=1&status=\(status)"), body: [1]))
        #expect(response.status == 200)
        #expect(transport.requestCount == 2)
        #expect(clock.delays == [0.2])
    }

    @Test func aRetriedRequestThatNeverSucceedsIsTooManyRetries() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(retry: RetryPolicy(maxAttempts: 5, maxDelay: 1), sleep: clock.sleep)
        do {
            _ = try transport.send(.get(server.url("/flaky/always?fail=100")))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .tooManyRetries)
            #expect(error.status == 503)
            #expect(error.attempts == 5)
            #expect(error.curlCode == nil)
            #expect(error.description.contains("503"))
        }
        #expect(clock.delays == [0.2, 0.4, 0.8, 1])
        #expect(try server.count("always") == 5)
    }

    @Test func aPostIsNotRetriedOn503() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let response = try transport.send(.post(server.url("/flaky/post?fail=2"), body: Array("{}".utf8)))
        #expect(response.status == 503)
        #expect(transport.requestCount == 1)
        #expect(clock.delays.isEmpty)
        #expect(try server.count("post") == 1)
    }

    @Test func aPostMarkedIdempotentIsRetried() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(sleep: SleepRecorder().sleep)
        let response = try transport.send(.post(server.url("/flaky/search?fail=1"), body: [], isIdempotent: true))
        #expect(response.status == 200)
        #expect(transport.requestCount == 2)
    }

    @Test func retryAfterZeroOn429IsHonoured() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let response = try transport.send(.get(server.url("/flaky/limited?fail=1&status=429&retry_after=0")))
        #expect(response.status == 200)
        #expect(clock.delays == [0])
        #expect(transport.requestCount == 2)
    }

    @Test func retryAfterOn503ReplacesTheBackoff() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        _ = try transport.send(.get(server.url("/flaky/later?fail=2&status=503&retry_after=3")))
        #expect(clock.delays == [3, 3])
    }

    @Test func aRetryAfterLongerThanAllowedReturnsTheResponse() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let response = try transport.send(.get(server.url("/status/429?retry_after=3600")))
        #expect(response.status == 429)
        #expect(response.header("retry-after") == "3600")
        #expect(clock.delays.isEmpty)
    }

    @Test func aGetIsRetriedWhenTheServerClosesWithoutAResponse() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        do {
            _ = try transport.send(.get(server.url("/close/get")))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.curlCode == 52)  // CURLE_GOT_NOTHING
            #expect(error.attempts == 4)
        }
        #expect(clock.delays == [0.2, 0.4, 0.8])
    }

    /// The server may have acted on it: a create must not be repeated blindly.
    @Test func aPostIsNotRetriedOnceItMayHaveReachedTheServer() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        do {
            _ = try transport.send(.post(server.url("/close/post"), body: Array("{\"name\":\"m\"}".utf8)))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.attempts == 1)
        }
        #expect(clock.delays.isEmpty)
        #expect(try server.count("post") == 1)
    }

    /// libcurl by itself resends a request once on a fresh connection when a kept-alive one
    /// ends before any byte of the response: not for a request that is not idempotent.
    @Test func aPostOnAKeptAliveConnectionIsNotResentByLibcurl() throws {
        let server = try StubServer()
        defer { server.stop() }
        let transport = CurlTransport(sleep: SleepRecorder().sleep)
        _ = try transport.send(.get(server.url("/echo/warm-up")))
        #expect(throws: HTTPError.self) { try transport.send(.post(server.url("/close/reused-post"), body: [1])) }
        #expect(try server.count("reused-post") == 1)
        // An idempotent request may reuse the connection, and is retried as the policy says.
        _ = try transport.send(.get(server.url("/echo/again")))
        #expect(throws: HTTPError.self) { try transport.send(.get(server.url("/close/reused-get"))) }
        #expect(transport.requestCount == 3 + 4)
    }

    @Test(arguments: [true, false])
    func aRefusedConnectionIsRetriedEvenForAPostThenNamesTheScrubbedURL(isPost: Bool) throws {
        let port = try closedPort()
        let clock = SleepRecorder()
        let transport = CurlTransport(sleep: clock.sleep)
        let url = "http://deployer:hunter2@127.0.0.1:\(port)/api/2.0/mlflow/runs/create?access_token=tok3n"
        do {
            _ = try transport.send(isPost ? .post(url, body: [1]) : .get(url))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .connection)
            #expect(error.curlCode == 7)  // CURLE_COULDNT_CONNECT
            #expect(error.attempts == 4)
            #expect(error.url == "http://***@127.0.0.1:\(port)/api/2.0/mlflow/runs/create?access_token=***")
            #expect(error.description.contains("127.0.0.1:\(port)/api/2.0/mlflow/runs/create"))
            #expect(error.description.contains("after 4 attempts"))
            for secret in ["hunter2", "deployer", "tok3n"] { #expect(!error.description.contains(secret)) }
        }
        #expect(transport.requestCount == 4)
        #expect(clock.delays == [0.2, 0.4, 0.8])
    }

    @Test func theTotalTimeoutEndsASlowResponse() throws {
        let server = try StubServer()
        defer { server.stop() }
        let clock = SleepRecorder()
        let transport = CurlTransport(totalTimeout: 0.2, retry: RetryPolicy(maxAttempts: 2), sleep: clock.sleep)
        let started = Date()
        do {
            _ = try transport.send(.get(server.url("/slow?seconds=5")))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.curlCode == 28)  // CURLE_OPERATION_TIMEDOUT
            #expect(error.attempts == 2)
        }
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(clock.delays == [0.2])

        // Not retried when the request is not idempotent.
        do {
            _ = try transport.send(.post(server.url("/slow?seconds=5"), body: [1]))
            Issue.record("no error")
        } catch {
            #expect(error.kind == .timeout)
            #expect(error.attempts == 1)
        }
        #expect(transport.requestCount == 3)
    }
}

@Suite("RetryPolicy decisions")
struct RetryPolicyTests {
    @Test func backoffGrowsByTheMultiplierUpToTheCap() {
        let policy = RetryPolicy()
        #expect((1...7).map(policy.backoff(afterAttempt:)) == [0.2, 0.4, 0.8, 1.6, 3.2, 5, 5])
    }

    @Test func statusDecisions() {
        let policy = RetryPolicy()
        #expect(policy.decide(status: 503, retryAfter: nil, attempt: 1, isIdempotent: true) == .retry(after: 0.2))
        #expect(policy.decide(status: 503, retryAfter: nil, attempt: 4, isIdempotent: true) == .giveUp)
        #expect(policy.decide(status: 503, retryAfter: nil, attempt: 1, isIdempotent: false) == .accept)
        #expect(policy.decide(status: 500, retryAfter: nil, attempt: 1, isIdempotent: true) == .accept)
        #expect(policy.decide(status: 429, retryAfter: 7, attempt: 2, isIdempotent: true) == .retry(after: 7))
        #expect(policy.decide(status: 502, retryAfter: 7, attempt: 2, isIdempotent: true) == .retry(after: 0.4))
        #expect(policy.decide(status: 429, retryAfter: 61, attempt: 1, isIdempotent: true) == .accept)
        #expect(RetryPolicy.never.decide(status: 503, retryAfter: nil, attempt: 1, isIdempotent: true) == .accept)
    }

    @Test func failureDecisions() {
        let policy = RetryPolicy()
        let refused = CurlFailure(.init(7))
        let dropped = CurlFailure(.init(52))
        let timedOut = CurlFailure(.init(28))
        let badCertificate = CurlFailure(.init(60))
        #expect(refused.kind == .connection && refused.nothingSent)
        #expect(dropped.kind == .connection && !dropped.nothingSent)
        #expect(policy.decide(failure: refused, attempt: 1, isIdempotent: false) == .retry(after: 0.2))
        #expect(policy.decide(failure: refused, attempt: 4, isIdempotent: false) == .giveUp)
        #expect(policy.decide(failure: dropped, attempt: 1, isIdempotent: true) == .retry(after: 0.2))
        #expect(policy.decide(failure: dropped, attempt: 1, isIdempotent: false) == .giveUp)
        #expect(policy.decide(failure: timedOut, attempt: 2, isIdempotent: true) == .retry(after: 0.4))
        #expect(policy.decide(failure: timedOut, attempt: 1, isIdempotent: false) == .giveUp)
        #expect(badCertificate.kind == .tls)
        #expect(policy.decide(failure: badCertificate, attempt: 1, isIdempotent: true) == .giveUp)
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110's example.
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_767) == 10)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_800) == 0)
        #expect(RetryAfter.imfFixdate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.imfFixdate("Tue, 29 Feb 2028 12:00:00 GMT") == 1_835_438_400)
        #expect(RetryAfter.seconds(" 120 ", now: 0) == 120)
        #expect(RetryAfter.seconds("0", now: 0) == 0)
        for invalid in ["-1", "1.5", "", "soon", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST"] {
            #expect(RetryAfter.seconds(invalid, now: 0) == nil)
        }
    }
}
