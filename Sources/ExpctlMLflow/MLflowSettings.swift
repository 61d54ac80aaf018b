public import ExpctlHTTP

/// Where MLflow is and how to authenticate, read the way MLflow's own client reads it:
/// `--mlflow-url`, else `MLFLOW_TRACKING_URI`; `MLFLOW_TRACKING_TOKEN` (bearer) or
/// `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` (basic); `MLFLOW_TRACKING_SERVER_CERT_PATH`
/// for a server whose certificate a private CA signed.
public struct MLflowSettings: Sendable {
    public var trackingURI: String
    public var credentials: HTTPCredentials?
    /// A PEM bundle of the CAs to trust instead of the system's store.
    public var caBundle: String?

    public init(trackingURI: String, credentials: HTTPCredentials? = nil, caBundle: String? = nil) {
        var uri = trackingURI
        while uri.hasSuffix("/") { uri.removeLast() }
        self.trackingURI = uri
        self.credentials = credentials
        self.caBundle = caBundle
    }

    /// Nil when no tracking URI is given anywhere.
    public static func resolve(url: String?, environment: [String: String]) -> MLflowSettings? {
        guard let uri = url ?? environment["MLFLOW_TRACKING_URI"], !uri.isEmpty else { return nil }
        var credentials: HTTPCredentials?
        if let token = environment["MLFLOW_TRACKING_TOKEN"], !token.isEmpty {
            credentials = .bearer(token)
        } else if let user = environment["MLFLOW_TRACKING_USERNAME"], let password = environment["MLFLOW_TRACKING_PASSWORD"] {
            credentials = .basic(user: user, password: password)
        }
        let caBundle = environment["MLFLOW_TRACKING_SERVER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        return MLflowSettings(trackingURI: uri, credentials: credentials, caBundle: caBundle)
    }

    /// A client over a new libcurl transport with these credentials and CAs, the transport's
    /// default timeouts and retries.
    public func makeClient() -> MLflowClient {
        MLflowClient(settings: self, transport: CurlTransport(credentials: credentials, caBundle: caBundle, timedAs: .mlflow))
    }

    /// The URI with any `user:password@` masked, for messages.
    public var redactedURI: String { SecretScrubber.scrubURL(trackingURI) }
}
