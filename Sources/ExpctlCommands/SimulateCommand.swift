import ArgumentParser
import ExpctlModel
import ExpctlSimulation
import ExpctlStore

/// `expctl simulate`: writes a synthetic meal-planner world into PostgreSQL (docs/simulate.md).
struct SimulateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic meal-planner world (households, pantries, recipes, plan events) into PostgreSQL.",
        discussion: """
            Fills the domain tables of --schema (households, pantry_items, constraints, recipes) and adds \
            plan_generated and plan_accepted events to exp.events, in one transaction. The same seed \
            writes the same data. Existing rows are refused unless --replace is given. Runs the exp \
            migrations first if needed.
            """)

    @Option(help: "How many households to simulate.")
    var households: Int

    @Option(help: "How many days to simulate.")
    var days: Int

    @Option(help: "The seed: the same seed writes the same data.")
    var seed: UInt64

    @Option(help: "When the first simulated day starts (RFC 3339).")
    var start = "2025-01-01T00:00:00Z"

    @Option(help: "The schema of the domain tables.")
    var schema = "app"

    @Flag(help: "Replace the rows of the domain tables and the events an earlier simulate wrote.")
    var replace = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...10_000_000).contains(households) else { throw ValidationError("--households must be 1 to 10000000") }
        guard (1...3_660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
        guard Timestamp(rfc3339: start) != nil else {
            throw ValidationError("--start must be an RFC 3339 time such as 2025-01-01T00:00:00Z, not '\(start)'")
        }
        do {
            _ = try DomainSchema(schema)
        } catch {
            throw ValidationError("--schema: \(error)")
        }
    }

    func execute(_ context: CommandContext) throws -> Int32 {
        let clock = ContinuousClock()
        let began = clock.now
        let config = SimulationConfig(households: households, days: days, seed: seed, start: Timestamp(rfc3339: start)!)
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
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
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

    private func rounded(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
