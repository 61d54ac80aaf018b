// A bare mirror of a remote repository under the state directory, fetched through libgit2.
import CGit2
import Foundation

/// The local copy of a remote repository that expctl reads desired state from: a bare
/// repository at `<root>/<mirrorFolderName>`, created on first use, whose branches and tags
/// follow the remote's on every `fetch()` (forced, like `git fetch --mirror`: a force-push
/// moves the branch here too, and the reconciler decides what that means).
///
/// Not thread-safe, like `GitRepository`: one thread fetches and reads.
public final class GitMirror {
    public let url: RemoteURL
    /// Where the mirror is on disk.
    public let path: String
    /// The mirror as a repository to read commits, trees and blobs from.
    public let repository: GitRepository
    private let credentials: GitCredentials

    /// Where the mirror of `url` is kept under `root`.
    public static func path(of url: RemoteURL, under root: String) -> String {
        root.hasSuffix("/") ? root + url.mirrorFolderName : root + "/" + url.mirrorFolderName
    }

    /// Opens the mirror of `url` under `root`, creating it (and `root`) when missing.
    public init(url: RemoteURL, root: String, credentials: GitCredentials) throws(GitError) {
        try initializeLibgit2()
        self.url = url
        self.credentials = credentials
        let path = Self.path(of: url, under: root)
        self.path = path
        if !FileManager.default.fileExists(atPath: path + "/HEAD") {
            // Created bare, then opened below as any repository is.
            let _: RepositoryHandle = try create(
                "git_repository_init", .operation("cannot create the mirror of \(url.redacted) at \(path)")
            ) { git_repository_init(&$0, path, 1) }
        }
        repository = try GitRepository(path: path)
    }

    /// What a fetch changed: the branch the remote's HEAD names, if it told us.
    public struct FetchReport: Sendable {
        public var defaultBranch: String?
    }

    /// Fetches every branch and tag, pruning those the remote deleted, and points the
    /// mirror's HEAD at the remote's default branch. A failure names the redacted URL and
    /// never carries a secret.
    @discardableResult
    public func fetch() throws(GitError) -> FetchReport {
        let remote: RemoteHandle = try create(
            "git_remote_create_anonymous", .operation("cannot fetch from \(url.redacted): not a remote URL")
        ) { git_remote_create_anonymous(&$0, repository.repository.pointer, url.full) }
        let state = FetchCallbackState(url: url, credentials: credentials)
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        options.update_fetchhead = 0
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        state.install(in: &options.callbacks)
        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        let code = withExtendedLifetime(state) {
            CStringArray(refspecs).withStrArray { specs in
                git_remote_fetch(remote.pointer, specs, &options, "expctl: fetch")
            }
        }
        do {
            try check(code, "git_remote_fetch", .operation("cannot fetch \(url.redacted)"))
        } catch {
            throw scrubbed(error, hostKeyProblem: state.hostKeyProblem)
        }
        let defaultBranch = self.defaultBranch(of: remote)
        if let defaultBranch {
            try check(
                git_repository_set_head(repository.repository.pointer, defaultBranch), "git_repository_set_head",
                .operation("cannot point the mirror's HEAD at \(defaultBranch)"))
        }
        return FetchReport(defaultBranch: defaultBranch)
    }

    /// The branch the remote's HEAD points at, from the refs it advertised during the fetch.
    private func defaultBranch(of remote: RemoteHandle) -> String? {
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        guard git_remote_default_branch(&buffer, remote.pointer) == 0, let pointer = buffer.ptr else {
            git_error_clear()
            return nil
        }
        return String(cString: pointer)
    }

    /// libgit2's message may quote the URL it was given: secrets go, the reason stays.
    private func scrubbed(_ error: GitError, hostKeyProblem: String?) -> GitError {
        var error = error
        for secret in credentials.secrets(with: url) {
            error.message = error.message.replacingOccurrences(of: secret, with: "***")
        }
        if url.full != url.redacted {
            error.message = error.message.replacingOccurrences(of: url.full, with: url.redacted)
        }
        if let hostKeyProblem { error.message = hostKeyProblem }
        return error
    }
}

/// Owns a `git_remote *`.
final class RemoteHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_remote_free(pointer) }
}

/// C strings for a `git_strarray`, alive while `withStrArray`'s body runs.
struct CStringArray {
    let strings: [String]

    init(_ strings: [String]) { self.strings = strings }

    func withStrArray<Result>(_ body: (UnsafePointer<git_strarray>) -> Result) -> Result {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return body(&array)
        }
    }
}
