public import ExpctlDesiredState
public import ExpctlGit

/// Where a pass reads the desired state: the git source in expctl, anything that can give a
/// commit and a loaded tree in tests.
public protocol DesiredStateSource: AnyObject {
    func load() throws -> SourceSnapshot
    /// The history behind the commits `load` gives, for the loop's fast-forward and signature
    /// rules; nil for a source without one (tests' in-memory sources).
    var history: (any SourceHistory)? { get }
}

extension DesiredStateSource {
    public var history: (any SourceHistory)? { nil }
}

/// What the revision rules ask of a source's history. Commits are full hex ids.
public protocol SourceHistory: AnyObject {
    /// Whether `commit` is `ancestor` or descends from it; false when `ancestor` is not in the
    /// repository at all (its history was rewritten away, or it came from another repository).
    func commit(_ commit: String, descendsFrom ancestor: String) throws -> Bool
    /// The commit's signature, nil when it is unsigned.
    func signature(of commit: String) throws -> CommitSignature?
}

/// A loaded desired state and the revision it was read at.
public struct SourceSnapshot: Sendable {
    public var revision: SourceRevision
    public var result: LoadResult

    public init(revision: SourceRevision, result: LoadResult) {
        self.revision = revision
        self.result = result
    }
}

/// The commit a pass read, and the ref that named it.
public struct SourceRevision: Sendable, Hashable, CustomStringConvertible {
    /// The full commit id (hex).
    public var commit: String
    /// The ref as git resolved it (`refs/heads/main`), nil for a commit id.
    public var refName: String?

    public init(commit: String, refName: String?) {
        self.commit = commit
        self.refName = refName
    }

    /// `3f2a9c1 (main)`, as pass lines name it.
    public var description: String { String(commit.prefix(7)) + (refName.map { " (\(RefNames.short($0)))" } ?? "") }
}

/// The desired state of one ref and folder of a git repository, through libgit2. One instance
/// keeps the decoded files and tree listings of earlier loads, so a loop decodes only what
/// changed since its last pass.
public final class GitSource: DesiredStateSource {
    public let ref: String?
    public let path: String
    private let reader: GitDesiredStateSource

    public init(repository: GitRepository, ref: String?, path: String) {
        self.ref = ref
        self.path = path
        self.reader = GitDesiredStateSource(repository: repository)
    }

    public func load() throws -> SourceSnapshot {
        let (commit, result) = try reader.load(ref: ref, under: path)
        return SourceSnapshot(revision: SourceRevision(commit: commit.id.hex, refName: commit.refName), result: result)
    }

    public var history: (any SourceHistory)? { self }
}

extension GitSource: SourceHistory {
    public func commit(_ commit: String, descendsFrom ancestor: String) throws -> Bool {
        let repository = reader.repository
        guard let commitID = ObjectID(hex: commit), let ancestorID = ObjectID(hex: ancestor),
            repository.containsCommit(ancestorID)
        else { return false }
        return try repository.commit(commitID, descendsFrom: ancestorID)
    }

    public func signature(of commit: String) throws -> CommitSignature? {
        guard let id = ObjectID(hex: commit) else { return nil }
        return try reader.repository.signature(of: id)
    }
}

/// The desired state of a remote repository: its mirror is fetched before every load, so
/// each pass (and so each webhook, which wakes one) reads what the remote has now.
public final class RemoteGitSource: DesiredStateSource {
    public let mirror: GitMirror
    private let source: GitSource

    public init(mirror: GitMirror, ref: String?, path: String) {
        self.mirror = mirror
        self.source = GitSource(repository: mirror.repository, ref: ref, path: path)
    }

    public func load() throws -> SourceSnapshot {
        try mirror.fetch()
        return try source.load()
    }

    public var history: (any SourceHistory)? { source }
}

public enum RefNames {
    /// `refs/heads/main` → `main`, `refs/tags/v1` → `v1`.
    public static func short(_ name: String) -> String {
        for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/"] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }
}
