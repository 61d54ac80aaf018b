public import ExpctlDesiredState

/// Reads desired state from a repository at a ref: the git side of `DesiredStateLoader`.
///
/// One instance keeps the loader's blob cache (and the repository's tree cache) across loads,
/// so a long-running process that reads successive commits decodes only the files that changed.
public final class GitDesiredStateSource {
    public let repository: GitRepository
    private let loader = DesiredStateLoader()

    public init(repository: GitRepository) {
        self.repository = repository
    }

    /// Lists the `*.yaml`/`*.yml` files under `directory` at `ref` and loads them.
    public func load(ref: String?, under directory: String) throws -> (commit: ResolvedCommit, result: LoadResult) {
        let commit = try repository.resolveCommit(ref)
        let files = try repository.files(in: commit, under: directory, include: DesiredStateLoader.isDesiredStateFile)
        let sourceFiles = files.map { SourceFile(path: $0.path, contentID: $0.blobID.contentID, size: $0.size) }
        var result = try loader.load(sourceFiles, from: repository)
        try CodeResolution.resolve(&result, commit: commit, repository: repository)
        return (commit, result)
    }
}

extension ObjectID {
    /// The id as the loader's content identity: the 20 bytes in the first three words.
    var contentID: ContentID {
        let words = self.words
        return ContentID(words.high, words.middle, UInt64(words.low))
    }

    init(_ contentID: ContentID) {
        self.init(high: contentID.word0, middle: contentID.word1, low: UInt32(truncatingIfNeeded: contentID.word2))
    }
}

extension GitRepository: SourceReader {
    public func withContents<Result>(
        of file: SourceFile, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) throws -> Result {
        try withBlobContents(ObjectID(file.contentID), body)
    }
}
