/// How `expctl serve` listens and what it trusts. Secrets come from the environment or from
/// files (never the command line, where `ps` shows them), and are never printed.
public struct ServiceSettings: Sendable {
    /// The address to listen on; 127.0.0.1 unless told otherwise.
    public var host: String
    /// 0: a free port, chosen by the system and reported once listening.
    public var port: Int
    /// Bearer tokens the assignment and event APIs accept. Empty: those APIs answer 503.
    public var apiTokens: [String]
    /// When set, the status page needs it too (as a bearer token); else it is open, read-only.
    public var statusToken: String?
    /// The webhooks' shared secret. nil: the webhook endpoints answer 503.
    public var webhookSecret: String?
    /// The branch webhooks wake the loop for (`main`); nil: every push.
    public var trackedBranch: String?
    /// The largest webhook body accepted (GitHub sends up to 25 MB; a push is far smaller).
    public var webhookBodyLimit: Int
    /// The largest API body accepted (an event batch).
    public var apiBodyLimit: Int
    /// The MLflow UI's address, for the status page's links to runs and model versions.
    public var mlflowUIBase: String?

    public init(
        host: String = "127.0.0.1", port: Int, apiTokens: [String] = [], statusToken: String? = nil,
        webhookSecret: String? = nil, trackedBranch: String? = nil, webhookBodyLimit: Int = 1 << 20,
        apiBodyLimit: Int = 8 << 20, mlflowUIBase: String? = nil
    ) {
        self.host = host
        self.port = port
        self.apiTokens = apiTokens
        self.statusToken = statusToken
        self.webhookSecret = webhookSecret
        self.trackedBranch = trackedBranch
        self.webhookBodyLimit = webhookBodyLimit
        self.apiBodyLimit = apiBodyLimit
        self.mlflowUIBase = mlflowUIBase
    }
}
