// Which paths changed between two commits (or trees), with renames detected.
import CGit2

public enum PathChangeKind: String, Sendable {
    case added, modified, deleted, renamed, copied, typeChanged
}

/// One changed path. `oldPath` is nil for an added file and `newPath` for a deleted one; for a
/// modification or type change both hold the same path.
public struct PathChange: Sendable, Hashable {
    public var kind: PathChangeKind
    public var oldPath: String?
    public var newPath: String?

    public init(kind: PathChangeKind, oldPath: String?, newPath: String?) {
        self.kind = kind
        self.oldPath = oldPath
        self.newPath = newPath
    }
}

extension GitRepository {
    /// The paths changed from `old` to `new` (commit or tree IDs), in libgit2's order (by path).
    ///
    /// Renames are detected with `git_diff_find_similar` (50% similarity, as `git diff -M`), and
    /// so are copies of files that were also modified (as `git diff -C`). A file that became a
    /// symlink or the other way round is `.typeChanged`.
    ///
    /// With a `directory` ("" or "." for the root), only changes with a path under it are kept.
    /// The diff itself covers the whole tree, so a file renamed into or out of the directory is
    /// still reported as a rename, with one of its paths outside.
    public func changedPaths(
        from old: ObjectID, to new: ObjectID, under directory: String?
    ) throws(GitError) -> [PathChange] {
        let oldTree = try tree(of: old)
        let newTree = try tree(of: new)
        let failure = GitSubject.operation("cannot compare \(old) with \(new) in \(location)")

        var options = git_diff_options()
        try check(
            git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)),
            "git_diff_options_init", failure)
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        let diff: DiffHandle = try create("git_diff_tree_to_tree", failure) {
            git_diff_tree_to_tree(&$0, repository.pointer, oldTree.pointer, newTree.pointer, &options)
        }

        var findOptions = git_diff_find_options()
        try check(
            git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)),
            "git_diff_find_options_init", failure)
        findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue | GIT_DIFF_FIND_COPIES.rawValue
        try check(git_diff_find_similar(diff.pointer, &findOptions), "git_diff_find_similar", failure)

        let directory = directory.map(normalizedDirectory) ?? ""
        let changes = withExtendedLifetime(diff) {
            (0..<git_diff_num_deltas(diff.pointer)).compactMap { index in
                git_diff_get_delta(diff.pointer, index).flatMap { PathChange($0.pointee) }
            }
        }
        return changes.filter { $0.touches(directory) }
    }

    /// The tree of a commit, or the tree itself, by ID.
    private func tree(of id: ObjectID) throws(GitError) -> TreeHandle {
        var oid = id.oid
        let object: ObjectHandle = try create("git_object_lookup", .object(id, repository: location)) {
            git_object_lookup(&$0, repository.pointer, &oid, GIT_OBJECT_ANY)
        }
        return try create(
            "git_object_peel",
            .operation("object \(id) in \(location) is neither a commit nor a tree")
        ) { git_object_peel(&$0, object.pointer, GIT_OBJECT_TREE) }
    }
}

extension PathChange {
    /// The change a diff delta describes; nil for the statuses that only a diff against the work
    /// tree or index produces (unmodified, ignored, untracked, unreadable, conflicted).
    init?(_ delta: git_diff_delta) {
        let oldPath = delta.old_file.path.map { String(cString: $0) }
        let newPath = delta.new_file.path.map { String(cString: $0) }
        switch delta.status {
        case GIT_DELTA_ADDED: self.init(kind: .added, oldPath: nil, newPath: newPath)
        case GIT_DELTA_DELETED: self.init(kind: .deleted, oldPath: oldPath, newPath: nil)
        case GIT_DELTA_MODIFIED: self.init(kind: .modified, oldPath: oldPath, newPath: newPath)
        case GIT_DELTA_RENAMED: self.init(kind: .renamed, oldPath: oldPath, newPath: newPath)
        case GIT_DELTA_COPIED: self.init(kind: .copied, oldPath: oldPath, newPath: newPath)
        case GIT_DELTA_TYPECHANGE: self.init(kind: .typeChanged, oldPath: oldPath, newPath: newPath)
        default: return nil
        }
    }

    /// Whether either path is `directory` or lies inside it; the root ("") holds every path.
    func touches(_ directory: String) -> Bool {
        directory.isEmpty
            || [oldPath, newPath].contains { path in
                path.map { $0 == directory || $0.hasPrefix(directory + "/") } ?? false
            }
    }
}
