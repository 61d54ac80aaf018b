// GitRepository: opening a repository and reading blobs. Resolving refs, listing trees and
// diffing live in extensions in their own files.
import CGit2

/// One open repository. Not thread-safe: confine an instance to one thread.
///
/// Everything is read from git objects (commits, trees and blobs at a ref); the work tree, the
/// index and any checkout are never looked at, so a bare repository works the same way.
///
/// The instance caches tree listings by tree ID (see `files(in:under:include:)`), so keep one
/// instance for a reconcile loop rather than opening the repository for every commit.
public final class GitRepository {
    /// Where the repository is, for messages: the work tree of a normal repository, the
    /// repository directory itself for a bare one.
    public let location: String
    public let isBare: Bool

    let repository: RepositoryHandle
    let objectDatabase: ObjectDatabaseHandle
    var treeCache = TreeCache()

    /// Opens the repository at `path`: a work tree or any directory inside it (found by searching
    /// upward, as `git` does), a `.git` directory, or a bare repository.
    public init(path: String) throws(GitError) {
        try initializeLibgit2()
        let repository: RepositoryHandle = try create(
            "git_repository_open_ext", .repository(path: path)
        ) { git_repository_open_ext(&$0, path, 0, nil) }
        self.repository = repository
        objectDatabase = try create("git_repository_odb", .repository(path: path)) {
            git_repository_odb(&$0, repository.pointer)
        }
        isBare = git_repository_is_bare(repository.pointer) == 1
        let directory = git_repository_workdir(repository.pointer) ?? git_repository_path(repository.pointer)
        location = directory.map { String(cString: $0) }.map(withoutTrailingSlash) ?? path
    }

    /// Hands the blob's bytes to `body` straight from libgit2's buffer, with no copy; the buffer
    /// is valid only during `body`. Rethrows `body`'s errors; lookup failures are `GitError`s.
    public func withBlobContents<R>(
        _ id: ObjectID, _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) throws -> R {
        var oid = id.oid
        let blob: BlobHandle = try create("git_blob_lookup", .object(id, repository: location)) {
            git_blob_lookup(&$0, repository.pointer, &oid)
        }
        return try withExtendedLifetime(blob) {
            let count = Int(git_blob_rawsize(blob.pointer))
            let start = git_blob_rawcontent(blob.pointer)?.assumingMemoryBound(to: UInt8.self)
            return try body(UnsafeBufferPointer(start: start, count: count))
        }
    }

    /// The version of the libgit2 library loaded at run time, e.g. "1.5.1".
    public static var libraryVersion: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        let code = git_libgit2_version(&major, &minor, &revision)
        guard (try? check(code, "git_libgit2_version", .operation("cannot read libgit2's version"))) != nil
        else { return "unknown" }
        return "\(major).\(minor).\(revision)"
    }
}

private func withoutTrailingSlash(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
}
