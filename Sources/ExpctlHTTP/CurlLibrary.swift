import CCurl
import CCurlShim

/// Facts about the linked libcurl.
public enum CurlLibrary {
    /// The library's version, e.g. "7.88.1".
    public static var version: String { String(cString: expctl_curl_version_string()) }

    /// The result of `curl_global_init(CURL_GLOBAL_DEFAULT)`, which must run before the first
    /// handle is made. A static `let` is initialised exactly once, under a lock, on first use:
    /// that keeps it once even with a libcurl built without the "threadsafe" feature (Debian's
    /// 7.88 has it), where concurrent calls would race.
    static let initialisation: CURLcode = expctl_curl_global_init_default()
}
