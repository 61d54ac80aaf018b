import ExpctlHTTP
import ExpctlModel
import Foundation

/// How expctl reaches a Ray cluster's Jobs API (`--ray-address`, `EXPCTL_RAY_ADDRESS`).
public struct RaySettings: Sendable, Hashable {
    /// The dashboard's address, e.g. `http://ray-head:8265`.
    public var address: String
    /// The bearer token of Ray's token auth (`RAY_AUTH_TOKEN` on the cluster).
    public var token: String?
    /// Where the cluster's nodes see the dataset store (a shared volume); nil: at the same path
    /// as this process.
    public var datasetRoot: String?
    /// Pass MLflow credentials to a cluster whose API anyone can read (`--ray-allow-open-cluster`).
    public var allowOpenCluster: Bool
    /// Seconds between polls of a running job.
    public var pollSeconds: Double

    public init(
        address: String, token: String? = nil, datasetRoot: String? = nil, allowOpenCluster: Bool = false,
        pollSeconds: Double = 1
    ) {
        self.address = address.hasSuffix("/") ? String(address.dropLast()) : address
        self.token = token
        self.datasetRoot = datasetRoot
        self.allowOpenCluster = allowOpenCluster
        self.pollSeconds = pollSeconds
    }
}

/// A job as Ray's Jobs API reports it (`GET /api/jobs/{id}`).
struct RayJob: Sendable, Hashable {
    enum Status: String, Sendable {
        case pending = "PENDING"
        case running = "RUNNING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case stopped = "STOPPED"
    }

    var submissionID: String
    var status: Status
    var message: String
    var errorType: String?
    var driverExitCode: Int?
    var metadata: [String: String]
}

/// Why a call to Ray's Jobs API failed: with what it said, for the job's error.
struct RayAPIError: Error, CustomStringConvertible {
    var description: String
}

/// Ray's Jobs REST API over expctl's HTTP transport: packages, submit, status, logs, stop.
/// Ray's errors are text tracebacks: the last line is kept, which says what went wrong.
final class RayJobsClient {
    let settings: RaySettings
    private let transport: any HTTPTransport

    init(settings: RaySettings, transport: (any HTTPTransport)? = nil) {
        self.settings = settings
        self.transport =
            transport
            ?? CurlTransport(totalTimeout: 120, credentials: settings.token.map(HTTPCredentials.bearer))
    }

    /// Whether the API answers a request that carries no token: then anyone who can reach it
    /// reads every job's environment.
    func answersWithoutToken() throws -> Bool {
        let response = try CurlTransport(totalTimeout: 30).send(.get(url("/api/version")))
        return response.isSuccess
    }

    /// Uploads the package unless the cluster has it (Ray keeps packages by name).
    func ensurePackage(named name: String, _ bytes: () throws -> [UInt8]) throws {
        let path = url("/api/packages/gcs/\(name)")
        let probe = try transport.send(.get(path))
        if probe.isSuccess { return }
        guard probe.status == 404 else { throw apiError("GET \(path)", probe) }
        let upload = try transport.send(.put(path, body: try bytes()))
        guard upload.isSuccess else { throw apiError("uploading \(name)", upload) }
    }

    enum SubmitAnswer {
        case submitted
        /// Ray already has a job with this submission id.
        case alreadyExists
    }

    /// `POST /api/jobs/`. Not idempotent in Ray: a repeated submission id is refused with a 500.
    func submit(_ body: JSONValue) throws -> SubmitAnswer {
        let response = try transport.send(
            .post(
                url("/api/jobs/"), headers: [("Content-Type", "application/json")], body: Array(body.canonicalText.utf8)
            ))
        if response.isSuccess { return .submitted }
        if response.text.contains("already exists") { return .alreadyExists }
        throw apiError("submitting the job", response)
    }

    /// The job, nil when Ray has none of that id.
    func job(_ submissionID: String) throws -> RayJob? {
        let response = try transport.send(.get(url("/api/jobs/\(submissionID)")))
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw apiError("reading job \(submissionID)", response) }
        guard case .object(let fields)? = JSONValue(parsing: response.text),
            case .string(let statusText)? = fields["status"], let status = RayJob.Status(rawValue: statusText)
        else { throw RayAPIError(description: "Ray answered job \(submissionID) with no status it knows") }
        var metadata: [String: String] = [:]
        if case .object(let members)? = fields["metadata"] {
            for case (let key, .string(let value)) in members { metadata[key] = value }
        }
        var exitCode: Int?
        if case .integer(let code)? = fields["driver_exit_code"] { exitCode = Int(truncatingIfNeeded: code) }
        var message = ""
        if case .string(let text)? = fields["message"] { message = text }
        var errorType: String?
        if case .string(let text)? = fields["error_type"] { errorType = text }
        return RayJob(
            submissionID: submissionID, status: status, message: message, errorType: errorType,
            driverExitCode: exitCode, metadata: metadata)
    }

    /// Everything the job printed so far, stdout and stderr merged.
    func logs(_ submissionID: String) throws -> String {
        let response = try transport.send(.get(url("/api/jobs/\(submissionID)/logs")))
        guard response.isSuccess else { throw apiError("reading the logs of \(submissionID)", response) }
        guard case .object(let fields)? = JSONValue(parsing: response.text), case .string(let logs)? = fields["logs"]
        else { return "" }
        return logs
    }

    /// `POST /api/jobs/{id}/stop`: SIGTERM, then SIGKILL after Ray's grace period. Safe to repeat.
    func stop(_ submissionID: String) throws {
        let response = try transport.send(.post(url("/api/jobs/\(submissionID)/stop"), body: nil, isIdempotent: true))
        guard response.isSuccess || response.status == 404 else { throw apiError("stopping \(submissionID)", response) }
    }

    private func url(_ path: String) -> String { settings.address + path }

    private func apiError(_ what: String, _ response: HTTPResponse) -> RayAPIError {
        let why: String
        switch response.status {
        case 401: why = "the cluster asks for a token (set EXPCTL_RAY_TOKEN)"
        case 403: why = "the cluster refused the token (check EXPCTL_RAY_TOKEN)"
        default:
            let lines = response.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            why = "HTTP \(response.status): \(lines.last { !$0.isEmpty }?.prefix(300) ?? "no message")"
        }
        return RayAPIError(description: "Ray at \(settings.address), \(what): \(why)")
    }
}
