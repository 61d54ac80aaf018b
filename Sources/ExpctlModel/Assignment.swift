/// Sticky, deterministic assignment of units to variants (002 §5), the one function every
/// assigner shares: the simulator, the assignment API and the plan's count of units an
/// allocation change would move.
///
/// `bucket = uint64(first 8 bytes of SHA-256(salt + ":" + unit_id), big-endian) mod 10000`;
/// the variants, in declared order, take consecutive ranges of buckets by their allocations.
/// SHA-256 because every language and PostgreSQL (`sha256(bytea)`) have it, so anyone can
/// recompute a bucket; 64 bits so that the modulo's bias (2⁶⁴ mod 10⁴ of 2⁶⁴) is below 10⁻¹⁵.
/// docs/assignment.md has test vectors.
public enum Assignment {
    /// The unit's bucket in 0..<10,000.
    public static func bucket(salt: String, unitID: String) -> Int {
        var hasher = ContentHash.Hasher()
        hasher.update(Array(salt.utf8))
        hasher.update([UInt8(ascii: ":")])
        hasher.update(Array(unitID.utf8))
        let digest = hasher.finalize()
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(prefix % UInt64(Allocation.bucketCount))
    }

    /// The index of the variant whose range holds `bucket`, walking `allocations` in declared
    /// order over cumulative sums; nil when the bucket is past them all (allocations summing to
    /// less than 1 leave the rest of the units out of the experiment).
    public static func variantIndex(forBucket bucket: Int, allocations: [Allocation]) -> Int? {
        var cumulative = 0
        for (index, allocation) in allocations.enumerated() {
            cumulative += allocation.buckets
            if bucket < cumulative { return index }
        }
        return nil
    }

    /// How many already-assigned units would land in another variant (or none) under
    /// `allocations` if assignment were not sticky. `assigned` counts the units per bucket and
    /// the variant they hold; `allocations` are the new ones, in declared order.
    public static func unitsThatWouldMove(
        assigned: [(bucket: Int, variant: String, units: Int)], allocations: [(name: String, allocation: Allocation)]
    ) -> Int {
        let shares = allocations.map(\.allocation)
        return assigned.reduce(0) { moved, group in
            let new = variantIndex(forBucket: group.bucket, allocations: shares).map { allocations[$0].name }
            return new == group.variant ? moved : moved + group.units
        }
    }
}

extension Experiment {
    /// The salt of the experiment's assignment hash: `salt` when declared, else its name. Not
    /// the database id, which would reshuffle every unit if the database were rebuilt.
    public var assignmentSalt: String { salt ?? name }

    /// The variant a new unit gets (its bucket in the declared order); nil when the unit falls
    /// outside the allocated buckets.
    public func variant(forUnit unitID: String) -> (variant: Variant, bucket: Int)? {
        let bucket = Assignment.bucket(salt: assignmentSalt, unitID: unitID)
        return Assignment.variantIndex(forBucket: bucket, allocations: variants.map(\.allocation)).map {
            (variants[$0], bucket)
        }
    }
}
