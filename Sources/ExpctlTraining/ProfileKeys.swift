/// The keys the reference model learns preferences under, coarsest first. A row has one key
/// per level; a key seen in fewer than `min_key_count` training rows is not in the model, so
/// a rare profile falls back to the coarser levels and, at worst, to global popularity.
enum ProfileKeys {
    static let levelNames = ["global", "workflow", "preferences", "profile", "profile_workflow"]
    static var levelCount: Int { levelNames.count }

    /// Household sizes in four buckets: 1, 2, 3-4 and 5+.
    static func sizeBucket(_ size: Int) -> String {
        switch size {
        case ...1: "1"
        case 2: "2"
        case 3...4: "3-4"
        default: "5+"
        }
    }

    /// `global`, `workflow=plan-first`, `prefs=vegetarian`, `size=3-4|region=north|prefs=vegetarian`,
    /// and the last with `|workflow=plan-first`; preferences sorted and distinct, joined by `,`.
    static func keys(for input: PlanningInput) -> [String] {
        let workflow = "workflow=" + input.workflowType.rawValue
        let preferences: String
        switch input.household.preferences.count {
        case 0: preferences = "prefs="
        case 1: preferences = "prefs=" + input.household.preferences[0]
        default: preferences = "prefs=" + Set(input.household.preferences).sorted().joined(separator: ",")
        }
        let profile =
            "size=" + sizeBucket(input.household.size) + "|region=" + input.household.region + "|" + preferences
        return ["global", workflow, preferences, profile, profile + "|" + workflow]
    }

    /// FNV-1a of a key's UTF-8 bytes: computed once per row, so that each model finds its key
    /// indices by an integer lookup (and one string comparison to rule out a collision).
    static func hash(_ key: String) -> UInt64 {
        func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
        return key.utf8.withContiguousStorageIfAvailable(fnv) ?? fnv(key.utf8)
    }
}
