import ExpctlHTTP
import ExpctlModel
import Foundation
import Testing

@testable import ExpctlJobs

/// Answers requests from a script, by method and path, and records them: Ray's Jobs API as a
/// table, for what the executor sends and how it reads back a submit whose answer was lost.
private final class ScriptedRay: HTTPTransport {
    var answers: [String: [Result<HTTPResponse, HTTPError>]] = [:]
    private(set) var requests: [HTTPRequest] = []

    /// The package uploads unless a test says otherwise.
    init() { on("PUT", "/api/packages/gcs/\(package)", ok("{}")) }

    func on(_ method: String, _ path: String, _ results: Result<HTTPResponse, HTTPError>...) {
        answers["\(method) \(path)", default: []] += results
    }

    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        requests.append(request)
        let key = "\(request.method) \(request.url.replacingOccurrences(of: "http://ray:8265", with: ""))"
        guard var queue = answers[key], !queue.isEmpty else {
            return HTTPResponse(status: 404, body: Array("no \(key)".utf8))
        }
        let next = queue.removeFirst()
        answers[key] = queue.isEmpty ? [next] : queue
        return try next.get()
    }

    func bodies(_ method: String, _ path: String) -> [JSONValue] {
        requests.filter { $0.method == method && $0.url.hasSuffix(path) }.compactMap { request in
            request.body.flatMap { JSONValue(parsing: String(decoding: $0, as: UTF8.self)) }
        }
    }
}

private final class Blobs: CodeSource {
    let contents: [String: [UInt8]]
    init(_ contents: [String: String]) { self.contents = contents.mapValues { Array($0.utf8) } }
    func contents(ofBlob id: String) throws -> [UInt8] { contents[id] ?? [] }
}

private func ok(_ json: String) -> Result<HTTPResponse, HTTPError> {
    .success(HTTPResponse(status: 200, body: Array(json.utf8)))
}
private let lost = Result<HTTPResponse, HTTPError>.failure(
    HTTPError(kind: .connection, message: "connection reset", url: "http://ray:8265/api/jobs/", method: "POST"))

private let command = SubmittedCommand(
    argv: ["/opt/venv/bin/python", "train.py", "--name", "it's {x}", ""],
    environment: ["PATH": "/usr/bin", "HOME": "/root", "MLFLOW_RUN_ID": "r1", "MLFLOW_TRACKING_URI": "http://mlflow"],
    workingDirectory: "/ignored", submissionID: "expctl-j1-1", metadata: ["expctl_job": "j1", "expctl_attempt": "1"],
    resources: JobResources(cpus: 2, gpus: 1, memory: 1 << 30),
    code: CodePackage(files: ["training/train.py": "b1", "training/lib/util.py": "b2"]))

private func executor(_ ray: ScriptedRay, allowOpen: Bool = false) -> RayCommandExecutor {
    let settings = RaySettings(address: "http://ray:8265/", token: "t0ken", allowOpenCluster: allowOpen)
    return RayCommandExecutor(
        settings: settings, localDatasetRoot: "/data/store", code: Blobs(["b1": "print(1)\n", "b2": "X = 2\n"]),
        client: RayJobsClient(settings: settings, transport: ray))
}

private let package = "_ray_pkg_\(command.code!.digest.prefix(32)).zip"

@Suite("Ray's Jobs API, as the executor speaks it")
struct RayExecutorTests {
    @Test func aSubmissionCarriesTheQuotedArgvThePackageTheResourcesAndNoLocalEnvironment() throws {
        let ray = ScriptedRay()
        ray.on("POST", "/api/jobs/", ok(#"{"job_id": "expctl-j1-1", "submission_id": "expctl-j1-1"}"#))
        let handle = try executor(ray).submit(command)
        #expect(handle.id == "expctl-j1-1")
        let body = try #require(ray.bodies("POST", "/api/jobs/").first)
        guard case .object(let fields) = body, case .object(let runtime)? = fields["runtime_env"],
            case .object(let variables)? = runtime["env_vars"]
        else {
            Issue.record("\(body)")
            return
        }
        #expect(fields["entrypoint"] == .string(#"/opt/venv/bin/python train.py --name 'it'\''s {x}' ''"#))
        #expect(fields["submission_id"] == .string("expctl-j1-1"))
        #expect(fields["entrypoint_num_cpus"] == .double(2))
        #expect(fields["entrypoint_num_gpus"] == .double(1))
        #expect(fields["entrypoint_memory"] == .integer(1 << 30))
        #expect(fields["metadata"] == .object(["expctl_job": .string("j1"), "expctl_attempt": .string("1")]))
        #expect(runtime["working_dir"] == .string("gcs://\(package)"))
        #expect(Set(variables.keys) == ["MLFLOW_RUN_ID", "MLFLOW_TRACKING_URI"])
        // The package went up once, as a zip of the files at their repository paths.
        let upload = try #require(ray.requests.first { $0.method == "PUT" })
        #expect(upload.body?.prefix(2) == [0x50, 0x4B])
        #expect(ray.requests.allSatisfy { $0.url.hasPrefix("http://ray:8265/api/") })
    }

    @Test func aPackageTheClusterHasIsNotUploadedAgain() throws {
        let ray = ScriptedRay()
        ray.on("GET", "/api/packages/gcs/\(package)", ok(""))
        ray.on("POST", "/api/jobs/", ok("{}"))
        _ = try executor(ray).submit(command)
        #expect(!ray.requests.contains { $0.method == "PUT" })
    }

    @Test func aSubmitWhoseAnswerIsLostIsReadBackAndAcceptedWhenItIsThisJob() throws {
        let ray = ScriptedRay()
        ray.on("POST", "/api/jobs/", lost)
        ray.on(
            "GET", "/api/jobs/expctl-j1-1",
            ok(#"{"status": "RUNNING", "metadata": {"expctl_job": "j1", "expctl_attempt": "1"}}"#))
        #expect(try executor(ray).submit(command).id == "expctl-j1-1")
        #expect(ray.bodies("POST", "/api/jobs/").count == 1)
    }

    @Test func aLostSubmitThatNeverArrivedIsSentOnceMore() throws {
        let ray = ScriptedRay()
        ray.on("POST", "/api/jobs/", lost, ok("{}"))
        #expect(try executor(ray).submit(command).id == "expctl-j1-1")
        #expect(ray.bodies("POST", "/api/jobs/").count == 2)
    }

    @Test func aTakenSubmissionIDOfAnotherJobIsRefused() throws {
        let ray = ScriptedRay()
        ray.on(
            "POST", "/api/jobs/",
            .success(
                HTTPResponse(
                    status: 500,
                    body: Array("Traceback...\nValueError: Job with submission_id expctl-j1-1 already exists.".utf8))))
        ray.on(
            "GET", "/api/jobs/expctl-j1-1",
            ok(#"{"status": "RUNNING", "metadata": {"expctl_job": "j9", "expctl_attempt": "1"}}"#))
        let error = try #require(throws: JobFailure.self) { try executor(ray).submit(command) }
        #expect(error.description.contains("Ray already has a job expctl-j1-1 that is not this one"), "\(error)")
    }

    @Test func statusesMapToEndingsWithRaysOwnWords() throws {
        let ray = ScriptedRay()
        let ray9 = executor(ray)
        let handle = CommandHandle(id: "expctl-j1-1")
        ray.answers = [:]
        ray.on("GET", "/api/jobs/expctl-j1-1", ok(#"{"status": "FAILED", "driver_exit_code": 3, "metadata": {}}"#))
        #expect(try ray9.poll(handle) == .exited(3))
        ray.answers = [:]
        ray.on(
            "GET", "/api/jobs/expctl-j1-1",
            ok(
                #"{"status": "FAILED", "error_type": "RUNTIME_ENV_SETUP_FAILED", "message": "pip failed\nmore", "metadata": {}}"#
            ))
        #expect(try ray9.poll(handle) == .failed("Ray failed the job (RUNTIME_ENV_SETUP_FAILED): pip failed"))
        ray.answers = [:]
        ray.on("GET", "/api/jobs/expctl-j1-1", ok(#"{"status": "STOPPED", "metadata": {}}"#))
        #expect(try ray9.poll(handle) == .stopped)
        ray.answers = [:]
        #expect(try ray9.attach("expctl-j1-1", job: "j1") == nil)
        ray.on("GET", "/api/jobs/expctl-j1-1", ok(#"{"status": "PENDING", "metadata": {"expctl_job": "j1"}}"#))
        #expect(try ray9.poll(handle) == .running)
        #expect(try ray9.attach("expctl-j1-1", job: "j1") == handle)
        #expect(try ray9.attach("expctl-j1-1", job: "j2") == nil)
    }

    @Test func mlflowCredentialsAreNotPassedToAClusterThatAnswersWithoutAToken() throws {
        // The probe goes to the real address without a token: here nothing listens there.
        let ray = ScriptedRay()
        var withToken = command
        withToken.environment["MLFLOW_TRACKING_TOKEN"] = "secret"
        let settings = RaySettings(address: "http://127.0.0.1:9", token: "t")
        let closed = RayCommandExecutor(
            settings: settings, localDatasetRoot: "/data", code: nil,
            client: RayJobsClient(settings: settings, transport: ray))
        #expect(throws: HTTPError.self) { try closed.submit(withToken) }
        #expect(ray.requests.isEmpty)
    }

    @Test func theDatasetStoreIsSeenWhereTheClusterMountsIt() {
        let settings = RaySettings(address: "http://ray:8265", datasetRoot: "/mnt/datasets")
        let mapped = RayCommandExecutor(settings: settings, localDatasetRoot: "/data/store/", code: nil)
        #expect(mapped.programPath(forLocal: "/data/store/planner/2025-01-10") == "/mnt/datasets/planner/2025-01-10")
        #expect(mapped.programPath(forLocal: "/data/storeroom/x") == "/data/storeroom/x")
        let same = RayCommandExecutor(
            settings: RaySettings(address: "http://ray:8265"), localDatasetRoot: "/data", code: nil)
        #expect(same.programPath(forLocal: "/data/planner") == "/data/planner")
    }
}
