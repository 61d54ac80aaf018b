// Ownership of libgit2 handles, and libgit2's one-time initialisation.
//
// Every handle imports as `OpaquePointer`, so a `git_tree *` and a `git_commit *` have the same
// Swift type. Each kind gets its own final class that owns one pointer and frees it in `deinit`,
// so the compiler keeps the kinds apart and nothing is freed twice or leaked on a thrown error.
//
// Lifetimes: object handles (commits, trees, blobs, diffs) are created and dropped inside one
// method of `GitRepository`, which keeps the repository handle alive for the whole call, so no
// object outlives its repository. Where a pointer borrowed from a handle is read (an entry name
// owned by a tree, a summary owned by a commit), the code holds the handle with
// `withExtendedLifetime`, because Swift may otherwise release it after its last direct use.
//
// None of these classes is Sendable: libgit2 objects are not safe to share across threads, and
// `GitRepository` is confined to one thread.
import CGit2

/// A class that owns one libgit2 pointer and frees it when released.
protocol OwnedHandle: AnyObject {
    /// Takes ownership of `pointer`.
    init(_ pointer: OpaquePointer)
}

/// Owns a `git_repository *`.
final class RepositoryHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_repository_free(pointer) }
}

/// Owns a `git_odb *`, the repository's object database (for reading blob sizes from headers).
final class ObjectDatabaseHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_odb_free(pointer) }
}

/// Owns a `git_object *` of a kind not yet known (what a revparse expression names).
final class ObjectHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_object_free(pointer) }
}

/// Owns a `git_reference *`.
final class ReferenceHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_reference_free(pointer) }
}

/// Owns a `git_commit *`.
final class CommitHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_commit_free(pointer) }
}

/// Owns a `git_tree *`.
final class TreeHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_tree_free(pointer) }
}

/// Owns a `git_blob *`.
final class BlobHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_blob_free(pointer) }
}

/// Owns a `git_diff *`.
final class DiffHandle: OwnedHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_diff_free(pointer) }
}

/// libgit2 must be initialised before any other call, or every call fails with -1.
/// `git_libgit2_init` is reference-counted; this module takes one reference, the first time a
/// repository is opened, and keeps it for the life of the process (a lazy global is initialised
/// exactly once, even with threads racing). A failure is turned into its error right there,
/// while libgit2's thread-local message is still the one of that call.
private let libgit2Initialization: Result<Void, GitError> = Result { () throws(GitError) in
    try check(git_libgit2_init(), "git_libgit2_init", .operation("cannot initialise libgit2"))
}

func initializeLibgit2() throws(GitError) {
    try libgit2Initialization.get()
}
