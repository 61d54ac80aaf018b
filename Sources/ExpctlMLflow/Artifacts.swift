import ExpctlHTTP
import ExpctlModel

/// An entry of an artifact listing.
public struct MLflowArtifactFile: Sendable, Hashable {
    /// Relative to the artifact root, like `model/MLmodel` (as the tracking API's
    /// `artifacts/list` gives it, though the proxy itself answers names within the directory).
    public var path: String
    public var isDirectory: Bool
    /// Bytes; nil for a directory. The proxy lists an empty file without a size: 0 here.
    public var size: Int64?

    public init(path: String, isDirectory: Bool, size: Int64?) {
        self.path = path
        self.isDirectory = isDirectory
        self.size = size
    }
}

/// Artifacts through the tracking server's artifact proxy (`--serve-artifacts`):
/// `/api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<path>`.
///
/// `root` is an `mlflow-artifacts:` URI, such as a run's `artifactURI`
/// (`mlflow-artifacts:/1/<run>/artifacts`); `path` is relative to it, `/`-separated. Each path
/// segment is percent-encoded (an encoded `/` would make a directory anyway). A `.` or `..`
/// segment is refused before sending: libcurl resolves dot segments in a URL, so
/// `../../x.txt` would silently write outside the run. The proxy itself refuses `#` (400
/// "Invalid path") and does not check that the run exists.
extension MLflowClient {
    /// Stores `bytes` at `path`, replacing what was there; directories are implicit. A PUT:
    /// the transport may repeat it.
    public func uploadArtifact(_ bytes: [UInt8], to path: String, under root: String) throws(MLflowError) {
        let call = "PUT artifact \(path)"
        _ = try artifactRequest("PUT", "/" + (try Self.encodedArtifactPath(try Self.proxyPath(of: root, call: call), path, call: call)), body: bytes, call: call)
    }

    /// The bytes of the file at `path`. A missing file is `isNotFound`; a directory is
    /// `.unexpectedAnswer` (400, FastAPI's "Artifact path refers to a directory, not a file").
    public func downloadArtifact(_ path: String, under root: String) throws(MLflowError) -> [UInt8] {
        let call = "GET artifact \(path)"
        return try artifactRequest("GET", "/" + (try Self.encodedArtifactPath(try Self.proxyPath(of: root, call: call), path, call: call)), call: call).body
    }

    /// The entries directly in `directory` ("" for the root itself). A missing directory, and
    /// a path that names a file, list as empty: the proxy cannot tell them apart.
    public func listArtifacts(in directory: String = "", under root: String) throws(MLflowError) -> [MLflowArtifactFile] {
        let call = "GET artifacts \(directory)"
        let listed = Self.segments(try Self.proxyPath(of: root, call: call)) + (try Self.checkedSegments(directory, call: call))
        let response = try artifactRequest("GET", MLflowClient.queryString([("path", listed.joined(separator: "/"))]), call: call)
        guard case .object(let answer)? = JSONValue(parsing: response.text) else {
            throw MLflowError(kind: .unexpectedAnswer, status: response.status, message: "not a JSON object", call: call)
        }
        let prefix = Self.segments(directory).map { $0 + "/" }.joined()
        return answer.list("files").compactMap { item -> MLflowArtifactFile? in
            guard case .object(let file) = item, let name = file.string("path") else { return nil }
            let isDirectory = file["is_dir"] == .bool(true)
            return MLflowArtifactFile(path: prefix + name, isDirectory: isDirectory, size: isDirectory ? nil : file.integer("file_size") ?? 0)
        }
    }

    /// `1/R/artifacts` from `mlflow-artifacts:/1/R/artifacts` or `mlflow-artifacts://host/1/R/artifacts`.
    static func proxyPath(of root: String, call: String) throws(MLflowError) -> String {
        let scheme = "mlflow-artifacts:"
        guard root.hasPrefix(scheme) else {
            throw MLflowError(
                kind: .unexpectedAnswer, status: nil,
                message: "artifact root \(root) is not served by the tracking server's artifact proxy (no mlflow-artifacts: URI)", call: call)
        }
        var rest = root.dropFirst(scheme.count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2).drop { $0 != "/" }  // the authority, which names this server
        }
        return segments(String(rest)).joined(separator: "/")
    }

    /// `root/path` with each segment percent-encoded, empty segments dropped.
    static func encodedArtifactPath(_ root: String, _ path: String, call: String) throws(MLflowError) -> String {
        (segments(root) + (try checkedSegments(path, call: call))).map(percentEncoded).joined(separator: "/")
    }

    /// The segments of a path relative to an artifact root, none of them `.` or `..`.
    private static func checkedSegments(_ path: String, call: String) throws(MLflowError) -> [String] {
        let parts = segments(path)
        if parts.contains(where: { $0 == "." || $0 == ".." }) {
            throw MLflowError.refusedBeforeSending("artifact path \(path) has a . or .. segment", call: call)
        }
        return parts
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
