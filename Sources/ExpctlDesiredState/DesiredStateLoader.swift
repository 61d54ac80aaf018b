public import ExpctlModel

/// A desired-state file as a source lists it, before it is read.
public struct SourceFile: Sendable, Hashable {
    /// Relative to the repository root, `/`-separated.
    public var path: String
    /// The content's identity (a git blob id): equal ids mean equal bytes.
    public var contentID: String
    public var size: Int

    public init(path: String, contentID: String, size: Int) {
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

    public var isValid: Bool { !diagnostics.hasErrors }
}

/// Loads desired state from listed files, decoding each distinct file once.
///
/// Decoded fragments are cached by path and content id, so that a process reading a later
/// commit re-decodes only the files that changed; fragments not seen in a load are dropped so
/// the cache follows the tree rather than growing with history. Not thread-safe.
public final class DesiredStateLoader {
    private struct CacheKey: Hashable {
        var path: String
        var contentID: String
    }

    private var cache: [CacheKey: FileFragment] = [:]

    public init() {}

    /// The number of fragments held.
    public var cachedFileCount: Int { cache.count }

    public func load(_ files: [SourceFile], from reader: some SourceReader) throws -> LoadResult {
        var fragments: [FileFragment] = []
        fragments.reserveCapacity(files.count)
        var nextCache: [CacheKey: FileFragment] = [:]
        nextCache.reserveCapacity(files.count)
        var decoded = 0
        for file in files {
            let key = CacheKey(path: file.path, contentID: file.contentID)
            let fragment: FileFragment
            if let cached = cache[key] {
                fragment = cached
            } else if file.size > FileDecoder.maxFileSize {
                var oversize = FileFragment(path: file.path)
                oversize.diagnostics = [FileDecoder.oversizeDiagnostic(path: file.path, size: file.size)]
                fragment = oversize
            } else {
                fragment = try reader.withContents(of: file) { FileDecoder.decode(path: file.path, bytes: $0) }
                decoded += 1
            }
            nextCache[key] = fragment
            fragments.append(fragment)
        }
        cache = nextCache
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
