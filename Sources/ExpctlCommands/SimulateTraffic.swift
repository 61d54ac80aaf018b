import ArgumentParser
import ExpctlModel
import ExpctlSimulation
import ExpctlStore
import Foundation

/// `expctl simulate --experiment`: online traffic for one running experiment (docs/simulate.md).
struct SimulateTraffic {
    var experiment: String
    var config: TrafficConfig

    func run(_ database: DatabaseOptions, _ context: CommandContext) throws -> Int32 {
        let clock = ContinuousClock()
        let began = clock.now
        let store = try database.openStore(context.environment)
        let summary: TrafficSummary
        do {
            try store.migrate()
            summary = try TrafficWriter(experiment: experiment, config: config).write(to: store.connection)
        } catch {
            throw ContextualError(
                error, context: "database: \(database.settings(context.environment).redactedDescription)")
        }
        context.console.line(TrafficReport(summary: summary, config: config, seconds: (clock.now - began).seconds).text)
        return ExitStatus.success
    }

    /// Sends the traffic through the service's assignment and event APIs (`--api`).
    func send(to api: String, unitType: String, _ context: CommandContext) throws -> Int32 {
        guard
            let token = context.environment["EXPCTL_API_TOKEN"]?.split(separator: ",").first
                .map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !token.isEmpty
        else {
            throw ValidationError("--api needs the service's bearer token in EXPCTL_API_TOKEN")
        }
        let clock = ContinuousClock()
        let began = clock.now
        let summary = try TrafficAPIClient(
            experiment: experiment, unitType: unitType, config: config, baseURL: api, token: token
        ).run()
        let seconds = (clock.now - began).seconds
        var lines = [
            "Sent traffic for experiment \(experiment) to \(api): \(NumberText.grouped(config.units)) units"
                + " (unit-\(config.firstUnit) … unit-\(config.firstUnit + config.units - 1)) over \(config.days) days"
                + " (seed \(config.seed)):"
        ]
        for name in summary.unitsByVariant.keys.sorted() {
            lines.append("  \(name): \(NumberText.grouped(summary.unitsByVariant[name] ?? 0)) units assigned by /v1/assignments")
        }
        if summary.outsideAllocations > 0 {
            lines.append("  (no variant): \(NumberText.grouped(summary.outsideAllocations)) units outside the allocations")
        }
        lines.append(
            "  /v1/events/batch: \(NumberText.grouped(summary.eventsSent)) events sent,"
                + " \(NumberText.grouped(summary.eventsAccepted)) stored, \(NumberText.grouped(summary.duplicates))"
                + " already there (sent before)")
        let rate = Int(Double(summary.eventsSent) / max(seconds, 0.001))
        lines.append("Sent in \(seconds.tenths) s (\(NumberText.grouped(rate)) events/s).")
        context.console.line(lines.joined(separator: "\n"))
        return ExitStatus.success
    }
}

/// What simulate says it wrote for an experiment's traffic.
struct TrafficReport {
    var summary: TrafficSummary
    var config: TrafficConfig
    var seconds: Double

    var text: String {
        let last = config.firstUnit + config.units - 1
        var lines = [
            "Simulated traffic for experiment \(summary.experiment): \(grouped(config.units)) units"
                + " (unit-\(config.firstUnit) … unit-\(last)) over \(config.days) days from \(summary.start)"
                + " (seed \(config.seed)):"
        ]
        if config.replace { lines.append("  replaced \(grouped(summary.replacedEvents)) earlier traffic events") }
        var assignments = "\(grouped(summary.newlyAssigned)) new, \(grouped(summary.alreadyAssigned)) kept (sticky"
        if summary.stickyElsewhere > 0 {
            assignments += "; \(grouped(summary.stickyElsewhere)) in another variant than the allocations give now"
        }
        var rows: [(String, String)] = [("exp.assignments", assignments + ")")]
        let names = summary.unitsByVariant.keys.sorted()
        for name in names {
            var text = "\(grouped(summary.unitsByVariant[name] ?? 0)) units"
            if let dropped = summary.droppedByVariant[name], dropped > 0 {
                text += " (\(grouped(dropped)) assignment rows dropped)"
            }
            rows.append(("  " + name, text))
        }
        if summary.outsideAllocations > 0 {
            rows.append(("  (no variant)", "\(grouped(summary.outsideAllocations)) units outside the allocations"))
        }
        if summary.onRetiredVariants > 0 {
            rows.append(("  (retired)", "\(grouped(summary.onRetiredVariants)) units on retired variants"))
        }
        rows.append(
            (
                "exp.events",
                "\(grouped(summary.events)) (\(grouped(summary.plansGenerated)) plan_generated,"
                    + " \(grouped(summary.plansAccepted)) plan_accepted)"
            ))
        if !config.effects.isEmpty {
            rows.append(("effects", config.effects.map(\.description).joined(separator: ", ")))
        }
        let width = rows.map(\.0.count).max() ?? 0
        lines += rows.map { name, value in "  " + name + String(repeating: " ", count: width - name.count + 2) + value }
        let rate = Int(Double(summary.events) / max(seconds, 0.001))
        lines.append("Written in one transaction in \(seconds.tenths) s (\(grouped(rate)) events/s).")
        if summary.start < summary.phaseStart {
            lines.append(
                "note: the traffic starts before the experiment's allocations were last written"
                    + " (\(summary.phaseStart)): the online gate's sample-ratio check counts only units assigned since")
        }
        if !summary.variantsWithoutPolicyVersion.isEmpty {
            lines.append(
                "note: \(summary.variantsWithoutPolicyVersion.joined(separator: ", ")) name(s) no policy version:"
                    + " their events carry none")
        }
        return lines.joined(separator: "\n")
    }

    private func grouped(_ value: Int) -> String { NumberText.grouped(value) }
}
