/// Names to indices, for the lookups done for every row (pantry items, recipe ids): an open
/// addressing table on the FNV-1a hash of the UTF-8 bytes, which costs a fraction of the
/// seeded SipHash that `Dictionary<String, _>` runs on every lookup. A hit is confirmed by
/// comparing the names, so the table answers exactly as a dictionary would.
struct NameTable: Sendable, Hashable {
    private let names: [String]
    /// Per slot, 1 + the index of the name there, or 0 when empty.
    private let slots: [Int32]
    private let hashes: [UInt64]
    private let mask: Int

    /// `names` must be distinct; a name's index is its position.
    init(_ names: [String]) {
        var capacity = 4
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        var hashes = [UInt64](repeating: 0, count: capacity)
        for (index, name) in names.enumerated() {
            let hash = Self.hash(name)
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index + 1)
            hashes[slot] = hash
        }
        self.names = names
        self.slots = slots
        self.hashes = hashes
        mask = capacity - 1
    }

    subscript(name: String) -> Int? {
        let hash = Self.hash(name)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let index = Int(slots[slot]) - 1
            if hashes[slot] == hash, names[index] == name { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    static func hash(_ name: String) -> UInt64 {
        func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
        return name.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(name.utf8)
    }
}
