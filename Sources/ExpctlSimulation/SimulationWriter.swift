import ExpctlModel
public import ExpctlPostgres

/// What simulate wrote (the server's row counts) and what it replaced.
public struct SimulationSummary: Sendable, Equatable {
    public var recipes = 0
    public var households = 0
    public var constraints = 0
    public var pantryItems = 0
    public var plansGenerated = 0
    public var plansAccepted = 0
    /// Events of an earlier simulate that `replace` deleted.
    public var replacedEvents = 0

    public var events: Int { plansGenerated + plansAccepted }

    public init() {}
}

/// Writes a simulated world into PostgreSQL: the domain tables of one schema and the plan
/// events in `exp.events`, streamed through COPY (households one at a time, events day by day
/// in time order), all in one transaction (a failure anywhere leaves the database as it was).
///
/// It refuses, writing nothing, when the tables already hold rows or `exp.events` holds events
/// of an earlier simulate, unless `replace` is set: then those rows and events are replaced.
/// Events it writes carry `context.source = "simulate"`; others are never touched, nor the
/// online traffic `TrafficWriter` writes (`context.traffic`).
public struct SimulationWriter {
    public var schema: DomainSchema
    public var replace: Bool
    public var chunkSize: Int

    public init(schema: DomainSchema, replace: Bool = false, chunkSize: Int = PostgresConnection.defaultCopyChunkSize) {
        self.schema = schema
        self.replace = replace
        self.chunkSize = chunkSize
    }

    /// The key of the transaction-level advisory lock that keeps two simulates apart (ASCII "expctlsm").
    static let lockKey: Int64 = 0x6578_7063_746C_736D

    /// Writes `world` through `connection`, which must not be in a transaction. `exp.events`
    /// must exist (run the migrations first).
    public func write(_ world: SimulatedWorld, to connection: PostgresConnection) throws -> SimulationSummary {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [.integer(Self.lockKey)])
            let events = try connection.execute("SELECT to_regclass('exp.events') IS NOT NULL AS present")
            guard events.bool(0, "present") == true else { throw SimulationError.eventsTableMissing }
            for statement in schema.createStatements { try connection.execute(statement) }
            var summary = SimulationSummary()
            summary.replacedEvents = try clearOrRefuse(connection)
            try writeDomain(world, connection, &summary)
            try writeEvents(world, connection, &summary)
            for table in DomainSchema.tables { try connection.execute("ANALYZE \(schema.qualified(table))") }
            return summary
        }
    }

    /// Refuses if there is data and `replace` is off; else empties the tables and deletes the
    /// simulated events, returning how many.
    private func clearOrRefuse(_ connection: PostgresConnection) throws -> Int {
        if replace {
            try connection.execute("TRUNCATE \(DomainSchema.tables.map(schema.qualified).joined(separator: ", "))")
            return try connection.execute(
                "DELETE FROM exp.events WHERE context->>'source' = $1 AND NOT context ? 'traffic'",
                [.text(EventJSON.source)]
            ).affectedRows
        }
        var tablesWithRows: [String] = []
        for table in DomainSchema.tables {
            let result = try connection.execute("SELECT EXISTS (SELECT 1 FROM \(schema.qualified(table))) AS rows")
            if result.bool(0, "rows") == true { tablesWithRows.append(table) }
        }
        let simulated =
            try connection.execute(
                "SELECT count(*) AS n FROM exp.events WHERE context->>'source' = $1 AND NOT context ? 'traffic'",
                [.text(EventJSON.source)]
            ).int(0, "n") ?? 0
        guard tablesWithRows.isEmpty, simulated == 0 else {
            throw SimulationError.notEmpty(
                schema: schema.name, tablesWithRows: tablesWithRows, simulatedEvents: Int(simulated))
        }
        return 0
    }

    private func writeDomain(
        _ world: SimulatedWorld, _ connection: PostgresConnection, _ summary: inout SimulationSummary
    ) throws {
        let count = world.config.households
        let encoder = SimulationRows(recipes: world.recipes)
        summary.recipes = try copy(connection, "recipes", SimulationRows.recipeColumns) { rows in
            for recipe in world.recipes { try encoder.recipe(recipe, rows) }
        }
        summary.households = try copy(connection, "households", SimulationRows.householdColumns) { rows in
            for index in 0..<count { try encoder.household(world.household(index), rows) }
        }
        summary.constraints = try copy(connection, "constraints", SimulationRows.constraintsColumns) { rows in
            for index in 0..<count { try encoder.constraints(world.household(index), rows) }
        }
        summary.pantryItems = try copy(connection, "pantry_items", SimulationRows.pantryColumns) { rows in
            for index in 0..<count {
                let id = Household.id(index)
                for item in world.pantry(ofHousehold: index) { try encoder.pantryItem(item, of: id, rows) }
            }
        }
    }

    /// The events in time order, as an event stream would have recorded them: a week's plans
    /// are scheduled for every household, then made day by day, and each day's events are
    /// written sorted (an acceptance after midnight waits for the next day). Only a day's
    /// events are held at a time; index inserts in time order also cost the server far less.
    private func writeEvents(
        _ world: SimulatedWorld, _ connection: PostgresConnection, _ summary: inout SimulationSummary
    ) throws {
        let encoder = SimulationRows(recipes: world.recipes)
        let config = world.config
        var queue = EventQueue()
        let copied = try connection.copyIn(
            "COPY exp.events (\(SimulationRows.eventColumns)) FROM STDIN", chunkSize: chunkSize
        ) { rows in
            func write(_ session: PlanSession, _ householdID: String, _ acceptance: Acceptance?) throws {
                if let acceptance {
                    try encoder.accepted(session, acceptance, of: householdID, rows)
                } else {
                    try encoder.generated(session, of: householdID, rows)
                }
            }
            for week in 0..<world.weeks {
                var byDay = [[ScheduledPlan]](repeating: [], count: 7)
                for index in 0..<config.households {
                    for plan in PlanSchedule.plans(household: index, week: week, config: config) {
                        byDay[plan.day - week * 7].append(plan)
                    }
                }
                for (dayOfWeek, plans) in byDay.enumerated() {
                    for plan in plans {
                        let session = world.session(plan, world.planningState(ofHousehold: plan.household))
                        queue.add(session, household: plan.household)
                        summary.plansGenerated += 1
                        if session.acceptance != nil { summary.plansAccepted += 1 }
                    }
                    try queue.drain(before: config.start.seconds + Int64((week * 7 + dayOfWeek + 1) * 86_400), write)
                }
            }
            try queue.drain(before: nil, write)
        }
        precondition(copied == summary.events, "the server copied \(copied) events of \(summary.events)")
    }

    private func copy(
        _ connection: PostgresConnection, _ table: String, _ columns: String, _ body: (CopyInWriter) throws -> Void
    ) throws -> Int {
        try connection.copyIn("COPY \(schema.qualified(table)) (\(columns)) FROM STDIN", chunkSize: chunkSize, body)
    }
}
