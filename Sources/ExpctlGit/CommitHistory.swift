// Questions about history the loop asks before it applies a commit: does it descend from the
// last applied one, and who signed it.
import CGit2

/// A commit's signature and the bytes it signs, as `git_commit_extract_signature` gives them:
/// what `ssh-keygen -Y verify` or `gpg --verify` checks.
public struct CommitSignature: Sendable, Equatable {
    /// The armored signature (`-----BEGIN SSH SIGNATURE-----` or `-----BEGIN PGP SIGNATURE-----`).
    public var signature: String
    /// The commit object without its signature header: what the signer signed.
    public var payload: [UInt8]

    public enum Kind: Sendable, Equatable {
        case ssh
        case gpg
        case unknown
    }

    public var kind: Kind {
        if signature.hasPrefix("-----BEGIN SSH SIGNATURE-----") { return .ssh }
        if signature.hasPrefix("-----BEGIN PGP SIGNATURE-----") { return .gpg }
        return .unknown
    }
}

extension GitRepository {
    /// Whether the repository holds `commit` as a commit.
    public func containsCommit(_ commit: ObjectID) -> Bool {
        var oid = commit.oid
        var pointer: OpaquePointer?
        let code = git_commit_lookup(&pointer, repository.pointer, &oid)
        if code < 0 { git_error_clear() }
        pointer.map(git_commit_free)
        return code == 0
    }

    /// Whether `commit` is `ancestor` or has it in its history.
    public func commit(_ commit: ObjectID, descendsFrom ancestor: ObjectID) throws(GitError) -> Bool {
        if commit == ancestor { return true }
        var commitOID = commit.oid
        var ancestorOID = ancestor.oid
        let result = git_graph_descendant_of(repository.pointer, &commitOID, &ancestorOID)
        try check(result, "git_graph_descendant_of", .operation("cannot walk the history of \(commit) in \(location)"))
        return result == 1
    }

    /// The commit's signature, nil for an unsigned commit.
    public func signature(of commit: ObjectID) throws(GitError) -> CommitSignature? {
        var oid = commit.oid
        var signature = git_buf()
        var signedData = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&signedData)
        }
        let code = git_commit_extract_signature(&signature, &signedData, repository.pointer, &oid, nil)
        if code == GIT_ENOTFOUND.rawValue && containsCommit(commit) {
            git_error_clear()
            return nil
        }
        try check(code, "git_commit_extract_signature", .object(commit, repository: location))
        let text = signature.ptr.map { String(cString: $0) } ?? ""
        let payload =
            signedData.ptr.map { pointer in
                [UInt8](UnsafeRawBufferPointer(start: pointer, count: signedData.size))
            } ?? []
        return CommitSignature(signature: text, payload: payload)
    }
}
