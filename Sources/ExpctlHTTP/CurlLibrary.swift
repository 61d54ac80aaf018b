import CCurlShim

/// Facts about the linked libcurl.
public enum CurlLibrary {
    /// The library's version, e.g. "7.88.1".
    public static var version: String { String(cString: expctl_curl_version_string()) }
}
