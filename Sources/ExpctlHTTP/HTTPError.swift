// HTTPError and how libcurl's result codes map onto it.
//
// All wording users see lives in this file. Every text that comes from libcurl passes through
// `SecretScrubber` before it is stored in an error (see `CurlTransport`).
import CCurl

/// A request that got no usable response, with a one-line message for users (`description`)
/// and libcurl's own code and wording for programs and logs.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection could be made (refused, unreachable, name not resolved), or it broke
        /// before the whole response arrived (including a server that closed it without one).
        case connection
        /// The connect timeout or the total timeout ran out.
        case timeout
        /// The TLS handshake or the server's certificate failed (verification is never turned off).
        case tls
        /// The server's answer was not valid HTTP.
        case protocolError
        /// A request safe to repeat still got 429, 502, 503 or 504 after the policy's last
        /// attempt; `status` is the last one.
        case tooManyRetries
        /// The request cannot be sent as given: a malformed URL, a scheme other than http or
        /// https, a line break in a header, a method that is not a token.
        case invalidRequest
        /// libcurl itself failed: it could not be initialised, ran out of memory or refused an
        /// option it should know.
        case library
    }

    public var kind: Kind
    /// libcurl's `CURLcode`, e.g. 7 for CURLE_COULDNT_CONNECT; nil when libcurl reported nothing
    /// (`tooManyRetries`, a request refused before it reached libcurl).
    public var curlCode: Int32?
    /// `curl_easy_strerror` and, when libcurl filled it, the detail from CURLOPT_ERRORBUFFER,
    /// scrubbed of secrets.
    public var message: String
    /// The request's URL with userinfo and secret-looking query values masked.
    public var url: String
    public var method: String
    /// How many times the request was tried, the failing attempt included.
    public var attempts: Int
    /// The last status received, for `tooManyRetries`.
    public var status: Int?

    public init(
        kind: Kind, curlCode: Int32? = nil, message: String, url: String, method: String = "GET",
        attempts: Int = 1, status: Int? = nil
    ) {
        self.kind = kind
        self.curlCode = curlCode
        self.message = message
        self.url = url
        self.method = method
        self.attempts = attempts
        self.status = status
    }

    /// One line: the request, what went wrong, libcurl's words and code, and the attempts.
    public var description: String {
        var text = "\(method) \(url): \(summary): \(message)"
        if let curlCode { text += " (curl error \(curlCode))" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }

    private var summary: String {
        switch kind {
        case .connection: "cannot reach the server"
        case .timeout: "timed out"
        case .tls: "TLS failed"
        case .protocolError: "the server's answer is not valid HTTP"
        case .tooManyRetries: "gave up retrying"
        case .invalidRequest: "cannot send this request"
        case .library: "libcurl failed"
        }
    }
}

// MARK: - libcurl codes

/// What a failed transfer's code means for users and for retrying.
struct CurlFailure: Equatable {
    var kind: HTTPError.Kind
    /// True when the request cannot have reached the server (the connection was never made),
    /// so that even a request that is not idempotent may be tried again.
    var nothingSent: Bool

    init(_ code: CURLcode) {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            (kind, nothingSent) = (.connection, true)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_HTTP2_STREAM, CURLE_HTTP2, CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR:
            (kind, nothingSent) = (.connection, false)
        case CURLE_OPERATION_TIMEDOUT:
            (kind, nothingSent) = (.timeout, false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            (kind, nothingSent) = (.tls, false)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            (kind, nothingSent) = (.invalidRequest, true)
        case CURLE_FAILED_INIT, CURLE_OUT_OF_MEMORY, CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN,
            CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK:
            (kind, nothingSent) = (.library, false)
        default:
            (kind, nothingSent) = (.protocolError, false)
        }
    }
}

/// libcurl's words for `code`, then the handle's error buffer if it says more.
func curlMessage(_ code: CURLcode, detail: String) -> String {
    let generic = String(cString: curl_easy_strerror(code))
    let detail = detail.trimmingWhitespace()
    return detail.isEmpty || detail == generic ? generic : "\(generic): \(detail)"
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
