public import ExpctlPostgres

/// The Event Ingestion Service (002 §6): events validated against the snapshot, then stored,
/// all of a request or none of it, each in one transaction. An event with a client id
/// (`event_id`) that is already stored, with the same time, is a retry: counted as a duplicate,
/// not stored again. Concurrent requests share the worker connections; a worker that finds
/// several waiting stores them in one transaction.
public final class EventIngestion: Sendable {
    /// What a request stored.
    public struct Outcome: Sendable, Equatable {
        public var accepted: Int
        public var duplicates: Int

        public init(accepted: Int, duplicates: Int) {
            self.accepted = accepted
            self.duplicates = duplicates
        }

        /// The response body.
        public var json: [UInt8] { Array("{\"accepted\":\(accepted),\"duplicates\":\(duplicates)}".utf8) }
    }

    private let snapshots: SnapshotHolder
    private let workers: ConnectionWorkers<[ValidatedEvent], Outcome>

    public init(snapshots: SnapshotHolder, database: ConnectionSettings, connections: Int = 2, maxPending: Int = 256) {
        self.snapshots = snapshots
        workers = ConnectionWorkers(
            settings: database, threads: connections, maxBatch: 16, maxPending: maxPending, name: "events"
        ) { requests, connection in
            try connection.transaction { try requests.map { .success(try EventWriter.store($0, connection)) } }
        }
    }

    public func shutdown() { workers.shutdown() }

    /// Validates and stores a body: one event (`batch` false) or `{"events": [...]}`.
    public func ingest(body: [UInt8], batch: Bool) async throws -> Outcome {
        guard let snapshot = snapshots.snapshot else { throw ServingError.notReady }
        let events = try EventValidation.events(body: body, batch: batch, snapshot: snapshot)
        return try await workers.submit(events)
    }
}

/// The SQL of ingestion.
enum EventWriter {
    /// Stores `events` in the open transaction: ids drawn first, so that the memberships of an
    /// event in several experiments can name it, then one `INSERT … ON CONFLICT DO NOTHING`.
    static func store(_ events: [ValidatedEvent], _ connection: PostgresConnection) throws -> EventIngestion.Outcome {
        let ids = try connection.execute(
            "SELECT nextval(pg_get_serial_sequence('exp.events', 'id'))::text AS id FROM generate_series(1, $1)",
            [.integer(Int64(events.count))])
        let eventIDs = ids.rows.indices.compactMap { ids.string($0, "id") }
        precondition(eventIDs.count == events.count, "the sequence gave \(eventIDs.count) ids for \(events.count) events")
        let inserted = try connection.execute(
            """
            INSERT INTO exp.events (id, client_event_id, event_type, unit_type, unit_id, experiment_id, variant_id,
                                    policy_version_id, context, metrics, occurred_at, payload)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[],
                                 $8::uuid[], $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::jsonb[])
            ON CONFLICT (client_event_id, occurred_at) DO NOTHING
            RETURNING id::text AS id
            """,
            [
                .textArray(eventIDs), .optionalTextArray(events.map(\.clientEventID)), .textArray(events.map(\.eventType)),
                .textArray(events.map(\.unitType)), .textArray(events.map(\.unitID)),
                .optionalTextArray(events.map { $0.memberships.first?.experimentID }),
                .optionalTextArray(events.map { $0.memberships.first?.variantID }),
                .optionalTextArray(events.map(\.policyVersionID)), .textArray(events.map(\.contextJSON)),
                .textArray(events.map(\.metricsJSON)), .textArray(events.map(\.occurredAt)),
                .textArray(events.map(\.payloadJSON)),
            ])
        let stored = Set(inserted.rows.indices.compactMap { inserted.string($0, "id") })
        var extra: (events: [String], experiments: [String], variants: [String]) = ([], [], [])
        for (id, event) in zip(eventIDs, events) where stored.contains(id) {
            for membership in event.memberships.dropFirst() {
                extra.events.append(id)
                extra.experiments.append(membership.experimentID)
                extra.variants.append(membership.variantID)
            }
        }
        if !extra.events.isEmpty {
            try connection.execute(
                """
                INSERT INTO exp.event_experiments (event_id, experiment_id, variant_id)
                SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[])
                """, [.textArray(extra.events), .textArray(extra.experiments), .textArray(extra.variants)])
        }
        return EventIngestion.Outcome(accepted: stored.count, duplicates: events.count - stored.count)
    }
}
