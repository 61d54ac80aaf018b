// What `files(in:under:include:)` remembers between calls: each tree's entries and each blob's
// size, keyed by object ID.
//
// A git object never changes, so an entry keyed by its ID never goes stale: when a new commit
// changes one file, only the trees on the path to that file get new IDs, and every other
// subtree is found here without asking libgit2. Sizes are kept per blob, read only for files a
// listing includes, so that a changed tree only reads the headers of the blobs that are new.
// An entry keeps the size read with its tree, so a cached listing looks nothing up.

/// One entry of a git tree, as listings need it.
struct TreeEntry {
    enum Kind {
        /// The size when it was read with the tree (see `entries(ofTree:sizing:)`).
        case blob(ObjectID, size: Int?)
        case tree(ObjectID)
        /// A symlink or a submodule: skipped by listings, and not a directory to descend into.
        case other
    }

    var name: String
    var kind: Kind
}

/// The caches of one `GitRepository`.
struct TreeCache {
    /// About 60–100 bytes each: a generation of tree entries holds up to ~25 MB.
    var trees = GenerationalCache<ObjectID, [TreeEntry]>(capacity: 250_000)
    /// About 60 bytes each.
    var blobSizes = GenerationalCache<ObjectID, Int>(capacity: 250_000)
    /// How many trees were read from libgit2 rather than found here; tests check with it that
    /// unchanged subtrees cost nothing.
    var treesRead = 0
}

/// A cache bounded by cost that keeps what was used recently, with no per-entry bookkeeping.
///
/// Values go into the current generation. When its cost reaches `capacity`, it becomes the
/// previous generation and the old previous one is dropped; a value found in the previous
/// generation moves back into the current one. So a value survives as long as it is used at
/// least once per generation, and the cache holds at most about twice `capacity`.
struct GenerationalCache<Key: Hashable, Value> {
    private var current: [Key: (value: Value, cost: Int)] = [:]
    private var previous: [Key: (value: Value, cost: Int)] = [:]
    private var currentCost = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func value(for key: Key) -> Value? {
        if let hit = current[key] { return hit.value }
        guard let hit = previous.removeValue(forKey: key) else { return nil }
        insert(hit.value, for: key, cost: hit.cost)
        return hit.value
    }

    /// Adds a value whose cost (e.g. its number of entries) counts towards `capacity`.
    mutating func insert(_ value: Value, for key: Key, cost: Int) {
        if currentCost >= capacity {
            previous = current
            current = [:]
            currentCost = 0
        }
        current[key] = (value, cost)
        currentCost += cost
    }
}
