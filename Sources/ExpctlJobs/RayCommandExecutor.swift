import ExpctlModel
import Foundation

/// Runs a team's program as a job of a Ray cluster through its Jobs API: the code package
/// uploaded once by its content hash and used as the job's `working_dir`, the argv quoted for
/// Ray's `/bin/sh -c`, the training's resources as the entrypoint's, and expctl's metadata on
/// the job so that a later runner can tell the job is its own.
///
/// Ray's submit is not idempotent and its answer can be lost: a submit that fails without an
/// answer, or finds the id taken, reads the job back and accepts it only when its metadata
/// names the same job and attempt.
final class RayCommandExecutor: CommandExecutor {
    let settings: RaySettings
    /// The local dataset store, which the cluster sees at `settings.datasetRoot`.
    let localDatasetRoot: String
    let outputLimit: Int
    private let client: RayJobsClient
    private let codeSource: (any CodeSource)?
    private var checkedOpenCluster = false

    init(
        settings: RaySettings, localDatasetRoot: String, code: (any CodeSource)?, outputLimit: Int = 1 << 20,
        client: RayJobsClient? = nil
    ) {
        self.settings = settings
        self.localDatasetRoot = localDatasetRoot
        self.codeSource = code
        self.outputLimit = outputLimit
        self.client = client ?? RayJobsClient(settings: settings)
    }

    var ledgerName: String? { "ray" }

    var pollSeconds: Double { settings.pollSeconds }

    func programPath(forLocal path: String) -> String {
        guard let clusterRoot = settings.datasetRoot else { return path }
        let root = localDatasetRoot.hasSuffix("/") ? String(localDatasetRoot.dropLast()) : localDatasetRoot
        guard path == root || path.hasPrefix(root + "/") else { return path }
        return clusterRoot + path.dropFirst(root.count)
    }

    /// A folder in the node's /tmp: the working directory is shared by every job of the same
    /// package. What the program leaves there stays on the node (it logs its model to MLflow).
    func outputDirectory(job: String) throws -> (program: String, local: URL?) { ("/tmp/expctl-output-\(job)", nil) }

    func submit(_ command: SubmittedCommand) throws -> CommandHandle {
        try refuseCredentialsToAnOpenCluster(command.environment)
        var runtime: [String: JSONValue] = [
            "env_vars": .object(
                command.environment.filter { !CommandTrainer.inherited.contains($0.key) }.mapValues(JSONValue.string))
        ]
        if let code = command.code {
            guard let codeSource else {
                throw JobFailure.failed("the job's code cannot be read: no repository is open")
            }
            let name = "_ray_pkg_\(code.digest.prefix(32)).zip"
            try client.ensurePackage(named: name) { try code.zip(from: codeSource) }
            runtime["working_dir"] = .string("gcs://\(name)")
        }
        var body: [String: JSONValue] = [
            "entrypoint": .string(command.argv.map(Self.shellQuoted).joined(separator: " ")),
            "submission_id": .string(command.submissionID), "runtime_env": .object(runtime),
            "metadata": .object(command.metadata.mapValues(JSONValue.string)),
        ]
        if let cpus = command.resources?.cpus { body["entrypoint_num_cpus"] = .double(cpus) }
        if let gpus = command.resources?.gpus { body["entrypoint_num_gpus"] = .double(gpus) }
        if let memory = command.resources?.memory { body["entrypoint_memory"] = .integer(memory) }
        let answer: RayJobsClient.SubmitAnswer?
        do {
            answer = try client.submit(.object(body))
        } catch let error as RayAPIError {
            throw JobFailure.failed(error.description)
        } catch {
            answer = nil  // no answer: the job may or may not have arrived
        }
        if answer == .submitted { return CommandHandle(id: command.submissionID) }
        guard let job = try client.job(command.submissionID) else {
            if answer == .alreadyExists {
                throw JobFailure.failed("Ray says submission \(command.submissionID) exists but does not return it")
            }
            // The submit never arrived: once more, now that the cluster answers.
            guard try client.submit(.object(body)) == .submitted else {
                throw JobFailure.failed("Ray refused submission \(command.submissionID) twice")
            }
            return CommandHandle(id: command.submissionID)
        }
        guard job.metadata["expctl_job"] == command.metadata["expctl_job"],
            job.metadata["expctl_attempt"] == command.metadata["expctl_attempt"]
        else {
            throw JobFailure.failed(
                "Ray already has a job \(command.submissionID) that is not this one (its metadata names job "
                    + "\(job.metadata["expctl_job"] ?? "none"), attempt \(job.metadata["expctl_attempt"] ?? "none"))")
        }
        return CommandHandle(id: command.submissionID)
    }

    func attach(_ submissionID: String, job: String) throws -> CommandHandle? {
        guard let found = try client.job(submissionID), found.metadata["expctl_job"] == job else { return nil }
        return CommandHandle(id: submissionID)
    }

    func poll(_ handle: CommandHandle) throws -> CommandStatus {
        guard let job = try client.job(handle.id) else {
            return .failed("Ray no longer knows job \(handle.id) (was its head restarted?)")
        }
        switch job.status {
        case .pending, .running: return .running
        case .succeeded: return .exited(0)
        case .stopped: return .stopped
        case .failed:
            if let code = job.driverExitCode { return .exited(Int32(truncatingIfNeeded: code)) }
            let firstLine = job.message.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            return .failed("Ray failed the job (\(job.errorType ?? "no error type")): \(firstLine.prefix(400))")
        }
    }

    func logs(_ handle: CommandHandle) throws -> CommandLogs {
        .bounded(try client.logs(handle.id), limit: outputLimit)
    }

    func cancel(_ handle: CommandHandle) throws { try client.stop(handle.id) }

    /// Ray shows every job's environment to anyone who can reach its API: MLflow credentials go
    /// only to a cluster that asks for a token, unless `allowOpenCluster` says otherwise.
    private func refuseCredentialsToAnOpenCluster(_ environment: [String: String]) throws {
        let secrets = ["MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD"]
        guard !settings.allowOpenCluster, !checkedOpenCluster, secrets.contains(where: { environment[$0] != nil })
        else { return }
        if try client.answersWithoutToken() {
            throw JobFailure.failed(
                "the Ray cluster at \(settings.address) answers without a token, and Ray shows a job's environment "
                    + "variables to anyone who can reach its API: expctl does not pass MLflow credentials to it "
                    + "(start Ray with RAY_AUTH_MODE=token, or pass --ray-allow-open-cluster)")
        }
        checkedOpenCluster = true
    }

    /// The argument as one word of `/bin/sh`: in single quotes, each quote closed and escaped.
    static func shellQuoted(_ argument: String) -> String {
        let safe = argument.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "-_./=:,+@%".unicodeScalars.contains($0)
        }
        if safe && !argument.isEmpty { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
