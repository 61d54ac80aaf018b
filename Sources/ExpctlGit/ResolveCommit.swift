// Resolving a ref (branch, tag, SHA, HEAD or revparse expression) to a commit.
import CGit2

/// A commit that a ref resolved to, with what the rest of the module and its callers need.
public struct ResolvedCommit: Sendable, Hashable {
    public var id: ObjectID
    /// The commit's root tree: what `files(in:under:include:)` lists.
    public var treeID: ObjectID
    /// The first paragraph of the commit message, on one line.
    public var summary: String
    /// The full name of the reference the ref named, e.g. "refs/heads/main" for a branch or for
    /// HEAD on that branch, "refs/tags/v1" for a tag, "HEAD" for a detached HEAD; nil for a SHA
    /// or for an expression that moves away from a reference's commit, such as "main~1".
    public var refName: String?

    public init(id: ObjectID, treeID: ObjectID, summary: String, refName: String?) {
        self.id = id
        self.treeID = treeID
        self.summary = summary
        self.refName = refName
    }
}

extension GitRepository {
    /// Resolves a branch, tag (annotated or lightweight), full or abbreviated SHA, `HEAD`, or any
    /// `git_revparse` expression, peeled to a commit; nil means HEAD (the current branch).
    ///
    /// An unborn HEAD or an unknown ref gives `.referenceNotFound`, an abbreviated SHA that
    /// several objects start with `.ambiguousReference`.
    public func resolveCommit(_ ref: String?) throws(GitError) -> ResolvedCommit {
        let spec = ref ?? "HEAD"
        if spec == "HEAD" { try requireHeadHasCommits() }

        var objectPointer: OpaquePointer?
        var referencePointer: OpaquePointer?
        try check(
            git_revparse_ext(&objectPointer, &referencePointer, repository.pointer, spec),
            "git_revparse_ext", .ref(spec, repository: location))
        let reference = referencePointer.map(ReferenceHandle.init)
        guard let object = objectPointer.map(ObjectHandle.init) else {
            preconditionFailure("git_revparse_ext succeeded without returning an object")
        }
        let commit: CommitHandle = try create(
            "git_object_peel", .commit(ref: spec, repository: location)
        ) { git_object_peel(&$0, object.pointer, GIT_OBJECT_COMMIT) }

        return withExtendedLifetime((commit, object, reference)) {
            ResolvedCommit(
                id: ObjectID(git_commit_id(commit.pointer).pointee),
                treeID: ObjectID(git_commit_tree_id(commit.pointer).pointee),
                summary: git_commit_summary(commit.pointer).map { String(cString: $0) } ?? "",
                refName: reference.flatMap { name(of: $0, ifItTargets: object) })
        }
    }

    /// A clearer error than "unknown ref 'HEAD'" for a repository with no commits yet.
    private func requireHeadHasCommits() throws(GitError) {
        let unborn = git_repository_head_unborn(repository.pointer)
        try check(unborn, "git_repository_head_unborn", .ref("HEAD", repository: location))
        guard unborn == 0 else {
            throw GitError(
                reason: .referenceNotFound, code: GIT_EUNBORNBRANCH.rawValue,
                function: "resolveCommit(_:)",
                summary: "no commits yet in \(location): HEAD is on a branch with no commits")
        }
    }

    /// `git_revparse_ext` hands back the reference an expression started from, also for "main~1";
    /// the name describes the result only when the reference points at the very object found.
    private func name(of reference: ReferenceHandle, ifItTargets object: ObjectHandle) -> String? {
        guard let target = git_reference_target(reference.pointer),
            ObjectID(target.pointee) == ObjectID(git_object_id(object.pointer).pointee)
        else { return nil }
        return String(cString: git_reference_name(reference.pointer))
    }
}
