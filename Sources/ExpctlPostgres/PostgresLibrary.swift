import CLibPQ

/// Facts about the linked libpq.
public enum PostgresLibrary {
    /// The client library's version, e.g. "15.18" (libpq encodes it as 150018).
    public static var version: String {
        let encoded = Int(PQlibVersion())
        return encoded >= 100_000 ? "\(encoded / 10_000).\(encoded % 10_000)" : "\(encoded / 10_000).\(encoded / 100 % 100).\(encoded % 100)"
    }
}
