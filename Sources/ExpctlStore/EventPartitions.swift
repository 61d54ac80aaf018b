public import ExpctlModel
public import ExpctlPostgres

/// The day partitions of `exp.events` (schema version 11): created ahead of the events by the
/// aggregation job, and detached once old.
public enum EventPartitions {
    /// Creates the partitions from yesterday (UTC) to `ahead` days after today, and those of
    /// the days whose events the default partition holds (moving them there). Returns how many
    /// it created.
    @discardableResult
    public static func prepare(_ connection: PostgresConnection, ahead: Int) throws -> Int {
        let upcoming =
            try connection.execute(
                "SELECT exp.ensure_event_partitions((now() AT TIME ZONE 'UTC')::date - 1, $1::int + 2) AS created",
                [.integer(Int64(ahead))]
            ).int(0, "created") ?? 0
        let stray =
            try connection.execute(
                """
                SELECT coalesce(sum(exp.ensure_event_partitions(day, 1)), 0) AS created
                FROM (SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date AS day FROM exp.events_default) d
                """
            ).int(0, "created") ?? 0
        return Int(upcoming + stray)
    }

    /// The day partitions, oldest first: name and day (`events_20250110` → 2025-01-10).
    public static func days(_ connection: PostgresConnection) throws -> [(name: String, day: String)] {
        let result = try connection.execute(
            """
            SELECT c.relname AS name FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'exp.events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
            ORDER BY c.relname
            """)
        return result.rows.indices.compactMap { row in
            guard let name = result.string(row, "name") else { return nil }
            let digits = Array(name.dropFirst("events_".count))
            return (name, "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))")
        }
    }

    /// Detaches the day partitions of days before `day` (`YYYY-MM-DD`), each in a transaction
    /// that first deletes the `exp.event_experiments` rows of its events. A detached partition
    /// stays as a table of its own (`exp.events_YYYYMMDD`), to archive and drop. The per-unit
    /// gate sums keep what they folded in. Returns the names detached.
    public static func detach(_ connection: PostgresConnection, before day: String) throws -> [String] {
        var detached: [String] = []
        for partition in try days(connection) where partition.day < day {
            try connection.transaction {
                try connection.execute(
                    "DELETE FROM exp.event_experiments x USING exp.\(partition.name) e WHERE x.event_id = e.id")
                try connection.execute("ALTER TABLE exp.events DETACH PARTITION exp.\(partition.name)")
            }
            detached.append(partition.name)
        }
        return detached
    }
}
