public import ExpctlModel

/// The identity of a file's content (a git blob id): equal ids mean equal bytes. Four words,
/// room for a SHA-256 id though git sources give SHA-1 today, rather than a hex string, so
/// comparing and hashing allocate nothing.
public struct ContentID: Sendable, Hashable {
    public var word0: UInt64
    public var word1: UInt64
    public var word2: UInt64
    public var word3: UInt64

    public init(_ word0: UInt64, _ word1: UInt64, _ word2: UInt64, _ word3: UInt64 = 0) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }
}

/// A desired-state file as a source lists it, before it is read.
public struct SourceFile: Sendable, Hashable {
    /// Relative to the repository root, `/`-separated.
    public var path: String
    public var contentID: ContentID
    public var size: Int

    public init(path: String, contentID: ContentID, size: Int) {
        self.path = path
        self.contentID = contentID
        self.size = size
    }
}

/// Reads the bytes of listed files. The git source implements it over libgit2.
public protocol SourceReader {
    func withContents<Result>(of file: SourceFile, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result
}

/// The outcome of loading a tree: the merged state, every problem, and what the cache saved.
public struct LoadResult: Sendable {
    public var state: DesiredState
    public var diagnostics: [Diagnostic]
    public var fileCount: Int
    /// Files decoded in this load; the rest came from the cache.
    public var filesDecoded: Int

    public init(state: DesiredState, diagnostics: [Diagnostic], fileCount: Int, filesDecoded: Int) {
        self.state = state
        self.diagnostics = diagnostics
        self.fileCount = fileCount
        self.filesDecoded = filesDecoded
    }

    public var isValid: Bool { !diagnostics.hasErrors }
}

/// Loads desired state from listed files, decoding each distinct file once.
///
/// Decoded fragments are cached by path and content id, so that a process reading a later
/// commit re-decodes only the files that changed; entries no longer listed are dropped once
/// they could double the cache, so it follows the tree rather than growing with history.
/// Not thread-safe.
public final class DesiredStateLoader {
    /// A path and the id of its content. Hashing uses the id alone (four words, much cheaper
    /// than hashing the path); equality checks both.
    private struct CacheKey: Hashable {
        var path: String
        var contentID: ContentID

        func hash(into hasher: inout Hasher) { hasher.combine(contentID) }
    }

    private var cache: [CacheKey: FileFragment] = [:]

    public init() {}

    /// The number of fragments held.
    public var cachedFileCount: Int { cache.count }

    public func load(_ files: [SourceFile], from reader: some SourceReader) throws -> LoadResult {
        var fragments: [FileFragment] = []
        fragments.reserveCapacity(files.count)
        var decoded = 0
        for file in files {
            let key = CacheKey(path: file.path, contentID: file.contentID)
            if let cached = cache[key] {
                fragments.append(cached)
                continue
            }
            let fragment: FileFragment
            if file.size > FileDecoder.maxFileSize {
                fragment = FileFragment(path: file.path, diagnostics: [FileDecoder.oversizeDiagnostic(path: file.path, size: file.size)])
            } else {
                fragment = try reader.withContents(of: file) { FileDecoder.decode(path: file.path, bytes: $0) }
                decoded += 1
            }
            cache[key] = fragment
            fragments.append(fragment)
        }
        // Versions of files no longer listed: drop them once they could double the cache.
        if cache.count > 2 * files.count {
            let listed = Set(files.map { CacheKey(path: $0.path, contentID: $0.contentID) })
            cache = cache.filter { listed.contains($0.key) }
        }
        let (state, diagnostics) = CrossFileValidator.merge(fragments)
        return LoadResult(
            state: state, diagnostics: diagnostics.sorted(by: Diagnostic.byLocation), fileCount: files.count,
            filesDecoded: decoded)
    }

    /// Whether a path names a desired-state file: `*.yaml` or `*.yml`.
    public static func isDesiredStateFile(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }
}
