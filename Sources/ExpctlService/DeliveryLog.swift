import Synchronization

/// The delivery ids seen lately, so that a delivery sent again (a retry, or a replay by
/// someone who captured it) wakes nothing twice. Bounded: the oldest ids are forgotten first.
/// In memory only: after a restart a replayed delivery wakes the loop once more, which costs a
/// pass and changes nothing, since a pass applies the branch as it is, not the delivery.
final class DeliveryLog: Sendable {
    private struct Entries {
        var seen: Set<String> = []
        var order: [String] = []
        /// Index of the oldest entry in `order` once it is full (a ring).
        var oldest = 0
    }

    private let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Records `id`; false when it was already there.
    func insert(_ id: String) -> Bool {
        entries.withLock { entries in
            guard !entries.seen.contains(id) else { return false }
            entries.seen.insert(id)
            if entries.order.count < capacity {
                entries.order.append(id)
            } else {
                entries.seen.remove(entries.order[entries.oldest])
                entries.order[entries.oldest] = id
                entries.oldest = (entries.oldest + 1) % capacity
            }
            return true
        }
    }
}
