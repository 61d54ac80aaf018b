import CLibPQ

/// Facts about the linked libpq.
public enum PostgresLibrary {
    /// The client library's version, e.g. "15.18" (libpq encodes it as 150018).
    public static var version: String {
        versionString(Int(PQlibVersion()))
    }

    /// A version as libpq encodes it (for the library and the server alike) in the usual
    /// spelling: 150018 is "15.18" (since 10, major * 10000 + minor), 90624 is "9.6.24".
    static func versionString(_ encoded: Int) -> String {
        encoded >= 100_000 ? "\(encoded / 10_000).\(encoded % 10_000)" : "\(encoded / 10_000).\(encoded / 100 % 100).\(encoded % 100)"
    }
}
