// The one owner of a libcurl easy handle, and the helper every libcurl call is checked through.
import CCurl
import CCurlShim

/// A libcurl call that failed, before the transport turns it into an `HTTPError` with the
/// request's scrubbed URL.
struct CurlCallError: Error {
    var code: CURLcode
    /// The libcurl function (and option) that failed, e.g. "curl_easy_setopt(10002)".
    var function: String
}

/// Owns one `CURL*` easy handle and its error buffer, and frees both in `deinit`.
///
/// Not thread-safe, like the handle: confined to the thread of the `CurlTransport` that owns
/// it. The handle keeps its connection cache between transfers, which is what makes
/// keep-alive work; every option is set again before each transfer (`CurlTransfer`), so no
/// request inherits another's method, body or headers.
final class CurlEasyHandle {
    /// The `CURL*`; libcurl's opaque handle imports as a raw pointer.
    let raw: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: libcurl writes a detailed message here when a transfer fails. It
    /// must live as long as the handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// nil when libcurl cannot be initialised or is out of memory.
    init?() {
        guard CurlLibrary.initialisation == CURLE_OK, let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        guard expctl_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK else {
            curl_easy_cleanup(raw)
            errorBuffer.deallocate()
            return nil
        }
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Runs the transfer the options describe; blocks until it ends.
    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(raw)
    }

    /// What libcurl wrote to the error buffer in the last transfer, or "".
    var errorDetail: String { String(cString: errorBuffer) }

    // MARK: - Options, each checked

    func set(_ option: CURLoption, _ value: Int) throws(CurlCallError) {
        try check(expctl_curl_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String?) throws(CurlCallError) {
        // libcurl copies string options (since 7.17), so a temporary C string is enough.
        try check(expctl_curl_setopt_string(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlCallError) {
        try check(expctl_curl_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    /// A pointer option: libcurl keeps the pointer, not a copy, so it must stay valid until the
    /// transfer ends.
    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlCallError) {
        try check(expctl_curl_setopt_pointer(raw, option, value), option)
    }

    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(CurlCallError) {
        try check(expctl_curl_setopt_slist(raw, option, value), option)
    }

    func set(_ option: CURLoption, callback value: expctl_curl_data_callback) throws(CurlCallError) {
        try check(expctl_curl_setopt_data_callback(raw, option, value), option)
    }

    // MARK: - Information about the last transfer

    func info(_ info: CURLINFO) throws(CurlCallError) -> Int {
        var value = 0
        let code = expctl_curl_getinfo_long(raw, info, &value)
        guard code == CURLE_OK else { throw CurlCallError(code: code, function: "curl_easy_getinfo(\(info.rawValue))") }
        return value
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlCallError) {
        guard code == CURLE_OK else { throw CurlCallError(code: code, function: "curl_easy_setopt(\(option.rawValue))") }
    }
}
