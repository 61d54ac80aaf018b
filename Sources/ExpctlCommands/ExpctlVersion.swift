/// The version of expctl itself.
public enum ExpctlVersion {
    public static let current = "0.1.0"
    /// The version of the JSON documents commands print with `--format json`.
    public static let jsonFormat = "1.0"
}
