import ArgumentParser
import ExpctlModel
import ExpctlSimulation
import ExpctlStore

/// `expctl simulate`: writes a synthetic meal-planner world (`--households`) or online traffic
/// for a running experiment (`--experiment`) into PostgreSQL (docs/simulate.md).
struct SimulateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic meal-planner world, or online traffic for a running experiment, into PostgreSQL.",
        discussion: """
            With --households: fills the domain tables of --schema (households, pantry_items, constraints, \
            recipes) and adds plan_generated and plan_accepted events to exp.events, in one transaction. \
            Existing rows are refused unless --replace is given.

            With --experiment: assigns units unit-K ... unit-(K+N-1) to the running experiment's variants \
            (sticky: an assigned unit keeps its variant) and writes their plan_generated and plan_accepted \
            events, with a true relative effect per variant and metric (--effect) and, to test the \
            sample-ratio check, a share of a variant's new assignment rows dropped (--drop). --replace \
            deletes the experiment's earlier simulated traffic events first.

            The same seed writes the same data. Runs the exp migrations first if needed.
            """)

    @Option(help: "World mode: how many households to simulate.")
    var households: Int?

    @Option(help: "Traffic mode: the running experiment to write traffic for.")
    var experiment: String?

    @Option(help: "Traffic mode: how many units to assign and simulate.")
    var units: Int?

    @Option(help: "Traffic mode: the number K of the first unit, unit-K.")
    var firstUnit: Int?

    @Option(help: "How many days to simulate.")
    var days: Int

    @Option(help: "The seed: the same seed writes the same data.")
    var seed: UInt64

    @Option(
        help: """
            When the first simulated day starts (RFC 3339). Default: 2025-01-01T00:00:00Z for a world; for \
            traffic, when the experiment's current allocations were written; with --api, now (pass --start \
            for a rerun's events to be recognised as the same events).
            """)
    var start: String?

    @Option(
        help: ArgumentHelp(
            "Traffic mode: a true relative effect, e.g. candidate:plan_acceptance_rate=+0.05 (repeatable).",
            valueName: "variant:metric=±r"))
    var effect: [String] = []

    @Option(
        help: ArgumentHelp(
            "Traffic mode: drop this share of the variant's new assignment rows, e.g. candidate=0.2 (repeatable).",
            valueName: "variant=f"))
    var drop: [String] = []

    @Option(help: "World mode: the schema of the domain tables (default: app).")
    var schema: String?

    @Flag(
        help: """
            World mode: replace the domain tables' rows and the world's events. Traffic mode: delete the \
            experiment's earlier simulated traffic events (assignments stay).
            """)
    var replace = false

    @Option(
        help: """
            Traffic mode: send the traffic through `expctl serve`'s APIs at this address (e.g. \
            http://127.0.0.1:8080) instead of writing the database; the token comes from EXPCTL_API_TOKEN.
            """)
    var api: String?

    @Option(help: "Traffic mode with --api: the unit type the units ask assignments as.")
    var unitType: String = "user"

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...3_660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
        if let start, Timestamp(rfc3339: start) == nil {
            throw ValidationError("--start must be an RFC 3339 time such as 2025-01-01T00:00:00Z, not '\(start)'")
        }
        switch (households, experiment) {
        case (nil, nil):
            throw ValidationError(
                "give --households N to simulate a world, or --experiment NAME --units N to simulate its traffic")
        case (.some, .some):
            throw ValidationError(
                "--households and --experiment are two modes: a world, or one experiment's traffic; give one of them")
        case (let households?, nil):
            guard (1...10_000_000).contains(households) else {
                throw ValidationError("--households must be 1 to 10000000")
            }
            let trafficOnly = [
                ("--units", units != nil), ("--first-unit", firstUnit != nil), ("--effect", !effect.isEmpty),
                ("--drop", !drop.isEmpty),
            ].filter(\.1).map(\.0)
            guard trafficOnly.isEmpty else {
                throw ValidationError(
                    "\(trafficOnly.joined(separator: ", ")) belong(s) to traffic mode (--experiment),"
                        + " not to --households"
                )
            }
            do {
                _ = try DomainSchema(schema ?? "app")
            } catch {
                throw ValidationError("--schema: \(error)")
            }
        case (nil, .some):
            guard schema == nil else { throw ValidationError("--schema belongs to world mode (--households)") }
            let config = try trafficConfig()
            if api != nil, !config.drops.isEmpty || config.replace {
                throw ValidationError(TrafficAPIClient.unsupported)
            }
        }
    }

    /// The traffic mode's arguments, checked.
    func trafficConfig() throws -> TrafficConfig {
        guard let units else { throw ValidationError("--experiment needs --units N, the number of units to simulate") }
        guard (1...5_000_000).contains(units) else { throw ValidationError("--units must be 1 to 5000000") }
        let first = firstUnit ?? 1
        guard (0...1_000_000_000).contains(first) else { throw ValidationError("--first-unit must be 0 to 1000000000") }
        do {
            let effects = try effect.map(TrafficEffect.init(parsing:))
            let drops = try drop.map(TrafficDrop.init(parsing:))
            return TrafficConfig(
                units: units, firstUnit: first, days: days, seed: seed, start: start.flatMap(Timestamp.init(rfc3339:)),
                effects: effects, drops: drops, replace: replace)
        } catch let error as TrafficArgumentError {
            throw ValidationError(error.description)
        }
    }

    func execute(_ context: CommandContext) throws -> Int32 {
        if let experiment {
            let traffic = SimulateTraffic(experiment: experiment, config: try trafficConfig())
            if let api { return try traffic.send(to: api, unitType: unitType, context) }
            return try traffic.run(database, context)
        }
        let clock = ContinuousClock()
        let began = clock.now
        let schema = schema ?? "app"
        let config = SimulationConfig(
            households: households ?? 0, days: days, seed: seed,
            start: start.flatMap(Timestamp.init(rfc3339:)) ?? SimulationConfig.defaultStart)
        let writer = SimulationWriter(schema: try DomainSchema(schema), replace: replace)
        let store = try database.openStore(context.environment)
        let summary: SimulationSummary
        do {
            try store.migrate()
            summary = try writer.write(SimulatedWorld(config), to: store.connection)
        } catch {
            throw ContextualError(
                error, context: "database: \(database.settings(context.environment).redactedDescription)")
        }
        let seconds = (clock.now - began).seconds
        context.console.line(
            SimulateReport(summary: summary, config: config, schema: schema, replaced: replace, seconds: seconds).text)
        return ExitStatus.success
    }
}

/// What simulate says it wrote.
struct SimulateReport {
    var summary: SimulationSummary
    var config: SimulationConfig
    var schema: String
    var replaced: Bool
    var seconds: Double

    var text: String {
        var lines = [
            "Simulated \(config.households) households over \(config.days) days"
                + " from \(config.start) (seed \(config.seed)):"
        ]
        if replaced {
            lines.append("  replaced the rows in schema \(schema) and \(summary.replacedEvents) simulated events")
        }
        let rows: [(String, String)] = [
            ("\(schema).recipes", "\(summary.recipes)"),
            ("\(schema).households", "\(summary.households)"),
            ("\(schema).constraints", "\(summary.constraints)"),
            ("\(schema).pantry_items", "\(summary.pantryItems)"),
            (
                "exp.events",
                "\(summary.events) (\(summary.plansGenerated) plan_generated, \(summary.plansAccepted) plan_accepted)"
            ),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        lines += rows.map { name, value in "  " + name + String(repeating: " ", count: width - name.count + 2) + value }
        let rate = Int(Double(summary.events) / max(seconds, 0.001))
        lines.append("Written in one transaction in \(rounded(seconds)) s (\(rate) events/s).")
        return lines.joined(separator: "\n")
    }

    private func rounded(_ value: Double) -> String { value.tenths }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Double {
    /// `12.3`: seconds as simulate reports them.
    var tenths: String {
        let tenths = Int((self * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
