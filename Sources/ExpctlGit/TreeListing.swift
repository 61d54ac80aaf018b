// Listing the files of a commit's tree, with subtrees cached by ID (see TreeCache.swift).
import CGit2

/// A file in a commit, found without reading its contents.
public struct TreeFile: Sendable, Hashable {
    /// Relative to the repository root, '/'-separated, e.g. "configs/prod/train.yaml".
    public var path: String
    public var blobID: ObjectID
    /// The size of the contents in bytes.
    public var size: Int

    public init(path: String, blobID: ObjectID, size: Int) {
        self.path = path
        self.blobID = blobID
        self.size = size
    }
}

extension GitRepository {
    /// Every file under `directory` ("" or "." for the root) of the commit's tree whose name
    /// passes `include` (called with the file name, e.g. "train.yaml", possibly more than once
    /// per name), recursively, in path order, without reading any file's contents. Symlinks
    /// and submodules are skipped.
    ///
    /// A directory the commit does not contain gives `.pathNotFound`; one that is a file gives
    /// `.notADirectory`.
    ///
    /// Each tree's entries are cached by the tree's ID, so a later call on another commit reads
    /// from libgit2 only the trees that changed; the rest costs building the result.
    ///
    /// The result is in path order (bytewise) without sorting: git orders a tree's entries by
    /// name, comparing a subtree's name as if it ended in "/", which is exactly the order that
    /// makes a depth-first walk produce sorted full paths.
    public func files(
        in commit: ResolvedCommit, under directory: String, include: (String) -> Bool
    ) throws(GitError) -> [TreeFile] {
        let directory = normalizedDirectory(directory)
        let treeID = try subtreeID(in: commit, at: directory)
        var files: [TreeFile] = []
        try appendFiles(
            of: treeID, prefix: directory.isEmpty ? "" : directory + "/", include: include,
            to: &files)
        return files
    }

    /// The ID of the tree at `directory` (normalized, "" for the root) in the commit.
    private func subtreeID(in commit: ResolvedCommit, at directory: String) throws(GitError) -> ObjectID {
        var treeID = commit.treeID
        var walked = ""
        for name in directory.split(separator: "/") {
            walked = walked.isEmpty ? String(name) : walked + "/" + name
            guard let entry = try entries(ofTree: treeID, sizing: { _ in false }).first(where: { $0.name == name }) else {
                throw GitError(
                    reason: .pathNotFound, code: GIT_ENOTFOUND.rawValue,
                    function: "files(in:under:include:)",
                    summary: "path '\(directory)' not found at commit \(commit.id.abbreviated)")
            }
            guard case .tree(let id) = entry.kind else {
                throw GitError(
                    reason: .notADirectory, code: GIT_ENOTFOUND.rawValue,
                    function: "files(in:under:include:)",
                    summary: "path '\(walked)' is not a directory at commit \(commit.id.abbreviated)")
            }
            treeID = id
        }
        return treeID
    }

    private func appendFiles(
        of treeID: ObjectID, prefix: String, include: (String) -> Bool,
        to files: inout [TreeFile]
    ) throws(GitError) {
        for entry in try entries(ofTree: treeID, sizing: include) {
            switch entry.kind {
            case .blob(let id, let size):
                if include(entry.name) {
                    let size = if let size { size } else { try blobSize(id) }
                    files.append(TreeFile(path: prefix + entry.name, blobID: id, size: size))
                }
            case .tree(let id):
                try appendFiles(of: id, prefix: prefix + entry.name + "/", include: include, to: &files)
            case .other:
                continue
            }
        }
    }

    /// The entries of a tree, from the cache or else from libgit2. Blob sizes are read with the
    /// tree only for names that pass `sizing` (a monorepo root holds many files no listing
    /// wants); a later listing that includes other names reads theirs then.
    private func entries(ofTree id: ObjectID, sizing: (String) -> Bool) throws(GitError) -> [TreeEntry] {
        if let cached = treeCache.trees.value(for: id) { return cached }
        let entries = try readEntries(ofTree: id, sizing: sizing)
        treeCache.trees.insert(entries, for: id, cost: max(entries.count, 1))
        treeCache.treesRead += 1
        return entries
    }

    private func readEntries(ofTree id: ObjectID, sizing: (String) -> Bool) throws(GitError) -> [TreeEntry] {
        var oid = id.oid
        let tree: TreeHandle = try create("git_tree_lookup", .object(id, repository: location)) {
            git_tree_lookup(&$0, repository.pointer, &oid)
        }
        return try withExtendedLifetime(tree) { () throws(GitError) -> [TreeEntry] in
            let count = git_tree_entrycount(tree.pointer)
            var entries: [TreeEntry] = []
            entries.reserveCapacity(count)
            for index in 0..<count {
                // Borrowed from the tree: valid while `tree` lives, never freed here, and never
                // nil for an index below the count.
                guard let entry = git_tree_entry_byindex(tree.pointer, index) else { continue }
                let entryID = ObjectID(git_tree_entry_id(entry).pointee)
                let name = String(cString: git_tree_entry_name(entry))
                let kind: TreeEntry.Kind =
                    switch git_tree_entry_filemode(entry) {
                    case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
                        .blob(entryID, size: sizing(name) ? try blobSize(entryID) : nil)
                    case GIT_FILEMODE_TREE: .tree(entryID)
                    default: .other
                    }
                entries.append(TreeEntry(name: name, kind: kind))
            }
            return entries
        }
    }

    /// A blob's size from its header in the object database, without inflating its contents.
    private func blobSize(_ id: ObjectID) throws(GitError) -> Int {
        if let size = treeCache.blobSizes.value(for: id) { return size }
        var oid = id.oid
        var size = 0
        var type = GIT_OBJECT_ANY
        try check(
            git_odb_read_header(&size, &type, objectDatabase.pointer, &oid), "git_odb_read_header",
            .object(id, repository: location))
        treeCache.blobSizes.insert(size, for: id, cost: 1)
        return size
    }
}

/// A directory path as given by a user ("./configs/", "configs//prod", ".") in the form used
/// for matching and messages: components joined by "/", "" for the root.
public func normalizedDirectory(_ directory: String) -> String {
    directory.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
}
