public import ExpctlModel
public import ExpctlPostgres

/// What simulated traffic wrote.
public struct TrafficSummary: Sendable, Equatable {
    public var experiment = ""
    public var start = Timestamp(seconds: 0)
    /// When the experiment's allocations were last written (`TrafficExperiment.phaseStart`).
    public var phaseStart = Timestamp(seconds: 0)
    /// The units of the run, and those the current allocations leave out (no events).
    public var units = 0
    public var outsideAllocations = 0
    /// Rows this run added to `exp.assignments`; units that had one already keep it (sticky),
    /// `stickyElsewhere` of them in another variant than the current allocations would give.
    public var newlyAssigned = 0
    public var alreadyAssigned = 0
    public var stickyElsewhere = 0
    /// Units whose variant is retired: they get no events.
    public var onRetiredVariants = 0
    /// Per variant, units that got events, and assignment rows dropped by `--drop`.
    public var unitsByVariant: [String: Int] = [:]
    public var droppedByVariant: [String: Int] = [:]
    public var plansGenerated = 0
    public var plansAccepted = 0
    /// Traffic events of an earlier run that `--replace` deleted.
    public var replacedEvents = 0
    /// The variants that have no policy version: their events carry none.
    public var variantsWithoutPolicyVersion: [String] = []

    public var events: Int { plansGenerated + plansAccepted }

    public init() {}
}

/// Writes simulated online traffic for one running experiment, in one transaction: assigns the
/// run's units through `Assignment` (inserted with `ON CONFLICT DO NOTHING`, so an assigned unit
/// keeps its variant whatever the allocations say now), then streams their `plan_generated`
/// and `plan_accepted` events through COPY in time order, each with the experiment, variant and
/// policy version ids of the variant the unit holds.
///
/// A unit's `assigned_at` is its first event's time, so that the online gate counts the units
/// of traffic that starts at or after the latest allocation change in its sample-ratio check.
public struct TrafficWriter {
    public var experiment: String
    public var config: TrafficConfig
    public var chunkSize: Int

    public init(experiment: String, config: TrafficConfig, chunkSize: Int = PostgresConnection.defaultCopyChunkSize) {
        self.experiment = experiment
        self.config = config
        self.chunkSize = chunkSize
    }

    /// Writes through `connection`, which must not be in a transaction; `exp` must be migrated.
    public func write(to connection: PostgresConnection) throws -> TrafficSummary {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(SimulationWriter.lockKey)])
            let present = try connection.execute("SELECT to_regclass('exp.events') IS NOT NULL AS present")
            guard present.bool(0, "present") == true else { throw SimulationError.eventsTableMissing }
            let experiment = try TrafficExperiment.read(self.experiment, connection)
            let parameters = try variantParameters(experiment)
            var summary = TrafficSummary()
            summary.experiment = experiment.name
            summary.start = config.start ?? experiment.phaseStart
            summary.phaseStart = experiment.phaseStart
            summary.units = config.units
            summary.variantsWithoutPolicyVersion = experiment.variants.filter {
                !$0.retired && $0.policyVersionID == nil
            }.map(\.name)
            if config.replace {
                summary.replacedEvents =
                    try connection.execute(
                        "DELETE FROM exp.events WHERE experiment_id = $1 AND context @> $2::jsonb",
                        [.text(experiment.id), .json(String(decoding: TrafficRows.context, as: UTF8.self))]
                    ).affectedRows
            }
            let seed = Self.experimentSeed(config.seed, experiment.name)
            let rows = TrafficRows(seed: seed, config: config, experiment: experiment)
            let variants = try assign(experiment, seed: seed, start: summary.start.seconds, rows, connection, &summary)
            var units: [(offset: Int, parameters: TrafficParameters)] = []
            units.reserveCapacity(config.units)
            for (offset, variant) in variants.enumerated() {
                guard let variant else { continue }
                if experiment.variants[variant].retired {
                    summary.onRetiredVariants += 1
                    continue
                }
                summary.unitsByVariant[experiment.variants[variant].name, default: 0] += 1
                units.append((offset, parameters[variant]))
            }
            let events = TrafficModel.events(
                seed: seed, firstUnit: config.firstUnit, start: summary.start.seconds, days: config.days, units: units)
            let copied = try connection.copyIn(
                "COPY exp.events (\(TrafficRows.eventColumns)) FROM STDIN", chunkSize: chunkSize
            ) { writer in
                for event in events {
                    // Every event's unit has a variant: only those units were simulated.
                    try rows.event(event, variant: variants[Int(event.unitOffset)]!, writer)
                    if event.accepted { summary.plansAccepted += 1 } else { summary.plansGenerated += 1 }
                }
            }
            precondition(copied == summary.events, "the server copied \(copied) events of \(summary.events)")
            // Without fresh statistics the planner takes the just-loaded tables for nearly empty,
            // and the online gate's per-unit join then runs as a nested loop: seconds for a few
            // thousand units. ANALYZE samples a bounded number of rows, however large the table.
            try connection.execute("ANALYZE exp.assignments")
            try connection.execute("ANALYZE exp.events")
            return summary
        }
    }

    /// Each variant's true means from the effects given for it; an effect or drop naming no
    /// variant of the experiment is refused.
    private func variantParameters(_ experiment: TrafficExperiment) throws -> [TrafficParameters] {
        let names = experiment.variants.map(\.name)
        for (variant, option) in config.effects.map({ ($0.variant, "--effect") })
            + config.drops.map({ ($0.variant, "--drop") })
        where !names.contains(variant) {
            throw TrafficError.unknownVariant(variant, option: option, experiment: experiment.name, variants: names)
        }
        return names.map { name in TrafficParameters(effects: config.effects.filter { $0.variant == name }) }
    }

    /// Assigns the run's units and returns, per unit offset, the index of the variant it holds
    /// (its earlier assignment if it had one; nil when it has none and the allocations leave it
    /// out). The units go through a temporary table by COPY, then into `exp.assignments` in one
    /// `INSERT … ON CONFLICT DO NOTHING`; the units whose row names another variant than their
    /// bucket gives now are read back.
    private func assign(
        _ experiment: TrafficExperiment, seed: UInt64, start: Int64, _ rows: TrafficRows,
        _ connection: PostgresConnection, _ summary: inout TrafficSummary
    ) throws -> [Int?] {
        try connection.execute(
            """
            CREATE TEMPORARY TABLE expctl_traffic_units (
                n integer NOT NULL, unit_id text NOT NULL, variant_id uuid, bucket integer NOT NULL,
                assigned_at timestamptz NOT NULL, dropped boolean NOT NULL
            ) ON COMMIT DROP
            """)
        let share = Dictionary(config.drops.map { ($0.variant, $0.share) }, uniquingKeysWith: { $1 })
        var variants: [Int?] = []
        variants.reserveCapacity(config.units)
        try connection.copyIn("COPY expctl_traffic_units (\(TrafficRows.unitColumns)) FROM STDIN", chunkSize: chunkSize)
        {
            writer in
            for offset in 0..<config.units {
                let unit = config.firstUnit + offset
                let assigned = experiment.variantIndex(forUnit: config.unitID(offset))
                let dropped =
                    assigned.map {
                        TrafficModel.dropped(
                            seed: seed, unit: unit, share: share[experiment.variants[$0.index].name] ?? 0)
                    } ?? false
                variants.append(assigned?.index)
                try rows.unit(
                    offset: offset, variant: assigned?.index,
                    bucket: assigned?.bucket
                        ?? Assignment.bucket(salt: experiment.salt, unitID: config.unitID(offset)),
                    assignedAt: TrafficModel.firstVisit(seed: seed, unit: unit, start: start, days: config.days),
                    dropped: dropped, writer)
            }
        }
        summary.outsideAllocations = variants.count { $0 == nil }
        try connection.execute("ANALYZE expctl_traffic_units")
        let parameters: [PostgresValue] = [.text(experiment.id)]
        summary.newlyAssigned =
            try connection.execute(
                """
                INSERT INTO exp.assignments (experiment_id, unit_id, unit_type, variant_id, bucket, assigned_at)
                SELECT $1, unit_id, $2, variant_id, bucket, assigned_at FROM expctl_traffic_units
                WHERE variant_id IS NOT NULL AND NOT dropped
                ON CONFLICT (experiment_id, unit_id) DO NOTHING
                """, parameters + [.text(experiment.unitType)]
            ).affectedRows
        let indexByID = Dictionary(
            experiment.variants.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let sticky = try connection.execute(
            """
            SELECT t.n, a.variant_id, t.variant_id IS NULL AS outside FROM expctl_traffic_units t
            JOIN exp.assignments a ON a.experiment_id = $1 AND a.unit_id = t.unit_id
            WHERE a.variant_id IS DISTINCT FROM t.variant_id
            """, parameters)
        for row in sticky.rows.indices {
            guard let offset = sticky.int(row, "n"), let id = sticky.string(row, "variant_id") else { continue }
            variants[Int(offset)] = indexByID[id]
            if sticky.bool(row, "outside") == false { summary.stickyElsewhere += 1 }
        }
        let counts = try connection.execute(
            """
            SELECT count(a.unit_id) AS held,
                   count(*) FILTER (WHERE t.dropped AND a.unit_id IS NULL) AS dropped
            FROM expctl_traffic_units t
            LEFT JOIN exp.assignments a ON a.experiment_id = $1 AND a.unit_id = t.unit_id
            """, parameters)
        summary.alreadyAssigned = Int(counts.int(0, "held") ?? 0) - summary.newlyAssigned
        summary.outsideAllocations -= sticky.rows.indices.count { sticky.bool($0, "outside") == true }
        if (counts.int(0, "dropped") ?? 0) > 0 {
            let dropped = try connection.execute(
                """
                SELECT t.variant_id, count(*) AS n FROM expctl_traffic_units t
                WHERE t.dropped AND NOT EXISTS (
                    SELECT 1 FROM exp.assignments a WHERE a.experiment_id = $1 AND a.unit_id = t.unit_id)
                GROUP BY t.variant_id
                """, parameters)
            for row in dropped.rows.indices {
                guard let id = dropped.string(row, "variant_id"), let index = indexByID[id] else { continue }
                summary.droppedByVariant[experiment.variants[index].name] = Int(dropped.int(row, "n") ?? 0)
            }
        }
        return variants
    }

    /// The seed of one experiment's streams: the same seed gives two experiments different
    /// traffic (and distinct plan ids), and the same experiment the same traffic.
    static func experimentSeed(_ seed: UInt64, _ experiment: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in experiment.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return SplitMix64.mix(seed ^ hash)
    }
}
