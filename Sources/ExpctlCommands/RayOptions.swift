import ArgumentParser
import ExpctlGit
import ExpctlJobs
import ExpctlMLflow
import Foundation

/// `--ray-address` and its companions: where `runner: command` programs run. Without an address
/// (nor `EXPCTL_RAY_ADDRESS`) they run on this machine.
struct RayOptions: ParsableArguments {
    @Option(
        help:
            "Run command trainings as jobs of this Ray cluster (its dashboard, http://HOST:8265). Default: $EXPCTL_RAY_ADDRESS; none: locally."
    )
    var rayAddress: String?

    @Option(help: "Where the cluster's nodes see the dataset store (a shared volume). Default: the same path as here.")
    var rayDatasetRoot: String?

    @Flag(
        help:
            "Pass MLflow credentials to a Ray cluster that answers without a token (Ray shows job environments to anyone who can reach it)."
    )
    var rayAllowOpenCluster = false

    /// The variables read: the address, and the bearer token of Ray's token auth.
    static let addressVariable = "EXPCTL_RAY_ADDRESS"
    static let tokenVariable = "EXPCTL_RAY_TOKEN"

    /// Where programs run, checked: a Ray address must be an http(s) URL, and MLflow credentials
    /// go to a cluster only with a token (or the explicit flag). Problems are usage errors.
    func placement(_ environment: [String: String], mlflow: MLflowSettings?) throws -> CommandPlacement {
        let address = rayAddress ?? environment[Self.addressVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let address else {
            if rayDatasetRoot != nil || rayAllowOpenCluster {
                throw ValidationError("--ray-dataset-root and --ray-allow-open-cluster need --ray-address")
            }
            return .local
        }
        guard address.hasPrefix("http://") || address.hasPrefix("https://") else {
            throw ValidationError("--ray-address \(address): expected the dashboard's http:// or https:// address")
        }
        let token = environment[Self.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, mlflow?.credentials != nil, !rayAllowOpenCluster {
            throw ValidationError(
                "MLflow credentials would be passed to the Ray cluster at \(address) without a token: Ray shows "
                    + "every job's environment to anyone who can reach its API. Set \(Self.tokenVariable) (the "
                    + "cluster's RAY_AUTH_TOKEN), or pass --ray-allow-open-cluster")
        }
        return .ray(
            RaySettings(
                address: address, token: token, datasetRoot: rayDatasetRoot, allowOpenCluster: rayAllowOpenCluster))
    }
}

/// The blobs of the repository expctl reads desired state from, for jobs' code packages: its
/// own handle, since jobs run on a thread of their own beside the loop.
final class RepositoryCode: CodeSource, @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var repository: GitRepository?

    init(path: String) { self.path = path }

    func contents(ofBlob id: String) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let repository = try self.repository ?? GitRepository(path: path)
        self.repository = repository
        guard let object = ObjectID(hex: id) else { throw UserFacingError(message: "'\(id)' is not a blob id") }
        return try repository.withBlobContents(object) { Array($0) }
    }
}

extension SourceOptions {
    /// Where jobs read their code: the repository, or the mirror of a URL.
    func codeSource(_ environment: [String: String]) -> any CodeSource {
        guard let url = RemoteURL(repo) else { return RepositoryCode(path: repo) }
        return RepositoryCode(path: GitMirror.path(of: url, under: mirrorRoot(environment)))
    }
}
