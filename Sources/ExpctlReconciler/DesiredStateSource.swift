public import ExpctlDesiredState
public import ExpctlGit

/// Where a pass reads the desired state: the git source in expctl, anything that can give a
/// commit and a loaded tree in tests.
public protocol DesiredStateSource: AnyObject {
    func load() throws -> SourceSnapshot
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
