// One attempt of one request on an easy handle: every option set, the transfer performed, the
// response read back.
import CCurl
import CCurlShim

/// How one attempt ended.
enum AttemptOutcome {
    /// A complete response; `newConnections` is how many connections libcurl had to open for it
    /// (0 when it reused a kept-alive one).
    case response(HTTPResponse, newConnections: Int)
    /// No usable response: libcurl's code and the detail from its error buffer.
    case failure(CURLcode, detail: String)
}

/// The options that are the same for every request of a transport.
struct TransferSettings {
    var connectTimeout: Double
    var totalTimeout: Double
    var userAgent: String
    /// A PEM file of CA certificates to trust instead of the system store.
    var caBundle: String?
}

/// A `curl_slist` of header lines, freed in `deinit`. It must outlive every transfer that uses
/// it, because libcurl keeps the pointer, not a copy.
final class CurlHeaderList {
    let raw: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) throws(CurlCallError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlCallError(code: CURLE_OUT_OF_MEMORY, function: "curl_slist_append")
            }
            list = appended
        }
        raw = list
    }

    deinit { curl_slist_free_all(raw) }
}

extension CurlEasyHandle {
    /// Sets every option `request` needs (so nothing carries over from the previous request
    /// except the connection cache), performs the transfer and reads the response.
    func transfer(
        _ request: PreparedRequest, headers: CurlHeaderList, settings: TransferSettings
    ) throws(CurlCallError) -> AttemptOutcome {
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")  // never file://, ftp:// ... from a config
        try set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM for DNS timeouts: other threads are running
        try set(CURLOPT_FOLLOWLOCATION, 0)  // a redirect is the caller's response to judge
        try set(CURLOPT_SSL_VERIFYPEER, 1)  // libcurl's defaults, stated: the system CA store
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle = settings.caBundle { try set(CURLOPT_CAINFO, caBundle) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(settings.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, milliseconds(settings.totalTimeout))
        try set(CURLOPT_TCP_KEEPALIVE, 1)  // idle kept-alive connections between reconciles
        // On a reused connection that ends before any response byte, libcurl resends the request
        // on a new one by itself, body included. The server may have acted on the first copy, so
        // a request that is not idempotent gets a connection of its own (one more handshake).
        try set(CURLOPT_FRESH_CONNECT, request.isIdempotent ? 0 : 1)
        try set(CURLOPT_USERAGENT, settings.userAgent)
        try set(CURLOPT_HTTPHEADER, list: headers.raw)
        defer { try? set(CURLOPT_HTTPHEADER, list: nil) }

        let sink = ResponseSink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try set(CURLOPT_WRITEFUNCTION, callback: writeBodyCallback)
        try set(CURLOPT_WRITEDATA, pointer: context)
        try set(CURLOPT_HEADERFUNCTION, callback: writeHeaderCallback)
        try set(CURLOPT_HEADERDATA, pointer: context)

        let code = try withBody(request.body) { (body) throws(CurlCallError) -> CURLcode in
            try setMethod(request.method, body: body)
            return withExtendedLifetime(sink) { perform() }
        }
        guard code == CURLE_OK else { return .failure(code, detail: errorDetail) }
        let status = try info(CURLINFO_RESPONSE_CODE)
        let response = HTTPResponse(status: status, headers: sink.headers, body: sink.body)
        return .response(response, newConnections: try info(CURLINFO_NUM_CONNECTS))
    }

    /// Expresses the method the way libcurl wants it. With a body: POSTFIELDS (which makes
    /// the request a POST) and CUSTOMREQUEST for any other method; without: HTTPGET, NOBODY for
    /// HEAD, and CUSTOMREQUEST for DELETE and the like.
    private func setMethod(_ method: String, body: BodyBytes?) throws(CurlCallError) {
        if let body {
            try set(CURLOPT_NOBODY, 0)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
            try set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: body.address))
            try set(CURLOPT_CUSTOMREQUEST, method == "POST" ? nil : method)
        } else {
            try set(CURLOPT_HTTPGET, 1)
            try set(CURLOPT_NOBODY, method == "HEAD" ? 1 : 0)
            try set(CURLOPT_CUSTOMREQUEST, method == "GET" || method == "HEAD" ? nil : method)
        }
    }
}

/// Runs `work` with the body's bytes at a fixed address (no copy), which libcurl reads during
/// the transfer. An empty body gets a valid one-byte buffer: with a NULL POSTFIELDS libcurl
/// would read the body from its read callback, stdin by default.
private func withBody<Result>(
    _ body: [UInt8]?, _ work: (BodyBytes?) throws(CurlCallError) -> Result
) throws(CurlCallError) -> Result {
    guard let body else { return try work(nil) }
    let storage = body.isEmpty ? [0] : body
    let outcome = storage.withUnsafeBytes { bytes in
        Swift.Result { () throws(CurlCallError) -> Result in
            try work(BodyBytes(address: bytes.baseAddress!, count: body.count))
        }
    }
    return try outcome.get()
}

/// A request body's address and length, valid while `withBody` runs.
private struct BodyBytes {
    var address: UnsafeRawPointer
    var count: Int
}

/// libcurl's milliseconds; 0 would mean "no timeout", so a positive time is at least 1 ms
/// (and at most about 31 years, where Int(_:) would trap).
private func milliseconds(_ seconds: Double) -> Int {
    guard seconds > 0, seconds.isFinite else { return 0 }
    return max(1, Int(min((seconds * 1000).rounded(.up), 1e12)))
}
