import CCurl
public import ExpctlInstrumentation
import Foundation

/// The HTTP transport over libcurl: one easy handle reused for every request, so connections
/// are kept alive between them; connect and total timeouts; retries by a `RetryPolicy`;
/// credentials as an `Authorization` header; errors scrubbed of every secret it knows.
///
/// Not thread-safe, like the handle it owns: confine each transport to one thread, and do not
/// share it between tasks. `send` blocks that thread for the whole exchange, retries and
/// backoff included, so keep transports off Swift's cooperative thread pool.
public final class CurlTransport: HTTPTransport {
    /// Seconds to establish a connection (TCP and TLS); 0 means libcurl's default of 300.
    public let connectTimeout: Double
    /// Seconds one attempt may take in all, connecting included; 0 means no limit. A request
    /// that is retried may take up to `retry.maxAttempts` times this, plus the waits.
    public let totalTimeout: Double
    public let retry: RetryPolicy
    /// Requests actually attempted, retries included, since the transport was made (a refused
    /// connection counts: it is an attempt the retry policy paid for).
    public private(set) var requestCount = 0
    /// Connections libcurl opened. Idempotent requests reuse a kept-alive connection; one that
    /// is not idempotent always gets a new one (see `CurlEasyHandle.transfer`).
    public private(set) var connectionCount = 0

    private let sleep: (Double) -> Void
    private let credentials: HTTPCredentials?
    private let settings: TransferSettings
    /// Created on first use and kept; nil until then, or while libcurl cannot be initialised.
    private var handle: CurlEasyHandle?
    /// The server each attempt is reported as to `CallTimings`; nil: not reported.
    private let timedAs: CallTimings.Server?

    /// - Parameters:
    ///   - sleep: waits between attempts, in seconds; tests inject one that records and returns.
    ///   - credentials: sent with every request that has no `Authorization` header of its own.
    ///     A transport talks to one server: do not send requests for other hosts through a
    ///     transport that holds credentials.
    ///   - caBundle: a PEM file of the CA certificates to trust instead of the system's store
    ///     (as MLflow's `MLFLOW_TRACKING_SERVER_CERT_PATH`), for a server with a private CA.
    ///     Verification of the certificate and the host name is always on.
    public init(
        connectTimeout: Double = 10, totalTimeout: Double = 60, retry: RetryPolicy = .init(),
        sleep: @escaping (Double) -> Void = CurlTransport.sleepThread,
        credentials: HTTPCredentials? = nil, caBundle: String? = nil, timedAs: CallTimings.Server? = nil
    ) {
        self.timedAs = timedAs
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.retry = retry
        self.sleep = sleep
        self.credentials = credentials
        settings = TransferSettings(
            connectTimeout: connectTimeout, totalTimeout: totalTimeout,
            userAgent: "expctl (libcurl/\(CurlLibrary.version))", caBundle: caBundle)
        handle = CurlEasyHandle()
    }

    /// The default `sleep`: blocks the calling thread (a function, so that the default argument
    /// needs no public import of Foundation).
    public static func sleepThread(_ seconds: Double) {
        Thread.sleep(forTimeInterval: seconds)
    }

    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let failure = FailureReport(request: request, credentials: credentials)
        let prepared: PreparedRequest
        let headers: CurlHeaderList
        do {
            prepared = try PreparedRequest(request, authorization: credentials?.authorization)
            headers = try CurlHeaderList(prepared.headerLines)
        } catch let error as InvalidRequest {
            throw failure.error(.invalidRequest, message: error.reason, attempts: 0)
        } catch {
            throw failure.error(.library, message: "cannot build the header list", attempts: 0)
        }
        guard let handle = handle ?? CurlEasyHandle() else {
            throw failure.error(.library, message: "curl_easy_init failed: libcurl cannot be initialised", attempts: 0)
        }
        self.handle = handle

        var attempt = 0
        while true {
            attempt += 1
            requestCount += 1
            let outcome: AttemptOutcome
            do {
                outcome = try timed { () throws(CurlCallError) in
                    try handle.transfer(prepared, headers: headers, settings: settings)
                }
            } catch {
                throw failure.error(error, attempts: attempt)
            }
            switch outcome {
            case .response(let response, let newConnections):
                connectionCount += newConnections
                let retryAfter = response.header("retry-after").flatMap {
                    RetryAfter.seconds($0, now: Date().timeIntervalSince1970)
                }
                let decision = retry.decide(
                    status: response.status, retryAfter: retryAfter, attempt: attempt,
                    isIdempotent: prepared.isIdempotent)
                switch decision {
                case .accept:
                    return response
                case .retry(let delay):
                    sleep(delay)
                case .giveUp:
                    throw failure.error(
                        .tooManyRetries, message: "the server answered \(response.status) every time",
                        attempts: attempt, status: response.status)
                }
            case .failure(let code, let detail):
                let decision = retry.decide(
                    failure: CurlFailure(code), attempt: attempt, isIdempotent: prepared.isIdempotent)
                guard case .retry(let delay) = decision else {
                    throw failure.error(code: code, detail: detail, attempts: attempt)
                }
                sleep(delay)
            }
        }
    }
}

extension CurlTransport {
    /// One attempt, reported to `CallTimings` when the transport is timed; an answer with a
    /// server error status counts as failed.
    private func timed(_ attempt: () throws(CurlCallError) -> AttemptOutcome) throws(CurlCallError) -> AttemptOutcome {
        guard let timedAs else { return try attempt() }
        let started = ContinuousClock.now
        let outcome: AttemptOutcome
        do {
            outcome = try attempt()
        } catch {
            CallTimings.record(timedAs, nanoseconds: Self.nanoseconds(since: started), failed: true)
            throw error
        }
        let failed: Bool
        switch outcome {
        case .response(let response, _): failed = response.status >= 500
        case .failure: failed = true
        }
        CallTimings.record(timedAs, nanoseconds: Self.nanoseconds(since: started), failed: failed)
        return outcome
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = (ContinuousClock.now - start).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }
}

/// Builds a request's errors, with its URL and every message scrubbed of the secrets known
/// for it. Scrubbing happens only when an error is made: a successful request pays nothing.
private struct FailureReport {
    var request: HTTPRequest
    var credentials: HTTPCredentials?

    func error(_ kind: HTTPError.Kind, message: String, attempts: Int, status: Int? = nil) -> HTTPError {
        let secrets = (credentials?.secrets ?? []) + SecretScrubber.secrets(inURL: request.url)
        return HTTPError(
            kind: kind, message: SecretScrubber.scrub(message, secrets: secrets),
            url: SecretScrubber.scrub(SecretScrubber.scrubURL(request.url), secrets: secrets),
            method: request.method, attempts: attempts, status: status)
    }

    /// A transfer that ended with `code`.
    func error(code: CURLcode, detail: String, attempts: Int) -> HTTPError {
        var error = self.error(CurlFailure(code).kind, message: curlMessage(code, detail: detail), attempts: attempts)
        error.curlCode = Int32(bitPattern: code.rawValue)
        return error
    }

    /// An option libcurl refused, or information it could not give.
    func error(_ error: CurlCallError, attempts: Int) -> HTTPError {
        var report = self.error(code: error.code, detail: "", attempts: attempts)
        report.message += " (\(error.function))"
        if report.kind != .invalidRequest { report.kind = .library }
        return report
    }
}
