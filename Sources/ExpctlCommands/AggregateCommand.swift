import ArgumentParser
import ExpctlModel
import ExpctlStore

/// `expctl aggregate`: the metrics aggregation job (docs/aggregate.md).
struct AggregateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Aggregate exp.events into hourly and daily buckets of exp.metric_aggregates.",
        discussion: """
            Per experiment, variant, metric and bucket: the count, sum, mean and population variance of \\
            the events' values, upserted for the window in one transaction (buckets of the window with no \\
            events any more are removed), so running it again over the same window changes nothing. The \\
            window is widened to whole buckets. Without --since and --until: the complete days not \\
            aggregated yet (from the latest aggregated day, done again, to the start of the latest \\
            event's day). Runs the exp migrations first if needed.
            """)

    @Option(help: "The start of the window (RFC 3339), rounded down to a whole bucket.")
    var since: String?

    @Option(help: "The end of the window (RFC 3339, exclusive), rounded up to a whole bucket.")
    var until: String?

    @Option(help: ArgumentHelp("A bucket width, hour or day (repeatable; default: both).", valueName: "width"))
    var width: [String] = []

    @Option(help: "Create the day partitions of exp.events this many days ahead.")
    var partitionsAhead = 7

    @Option(help: "Detach the day partitions of exp.events before this day (YYYY-MM-DD); they stay as tables of their own.")
    var detachBefore: String?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...366).contains(partitionsAhead) else { throw ValidationError("--partitions-ahead must be 0 to 366") }
        if let detachBefore, Timestamp(rfc3339: detachBefore + "T00:00:00Z") == nil {
            throw ValidationError("--detach-before must be a day such as 2025-01-01, not '\(detachBefore)'")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp(rfc3339: value) == nil {
                throw ValidationError("\(name) must be an RFC 3339 time such as 2025-01-01T00:00:00Z, not '\(value)'")
            }
        }
        if let since = since.flatMap(Timestamp.init(rfc3339:)), let until = until.flatMap(Timestamp.init(rfc3339:)),
            until <= since
        {
            throw ValidationError("--until (\(until)) must be after --since (\(since))")
        }
        _ = try widths()
    }

    func widths() throws -> [BucketWidth] {
        guard !width.isEmpty else { return BucketWidth.allCases }
        return try width.map { name in
            guard let width = BucketWidth(rawValue: name) else {
                throw ValidationError("--width must be hour or day, not '\(name)'")
            }
            return width
        }
    }

    func execute(_ context: CommandContext) throws -> Int32 {
        let clock = ContinuousClock()
        let began = clock.now
        let store = try database.openStore(context.environment)
        let summary: AggregationSummary
        var lines: [String] = []
        do {
            try store.migrate()
            let created = try EventPartitions.prepare(store.connection, ahead: partitionsAhead)
            if created > 0 { lines.append("Created \(created) day partitions of exp.events.") }
            if let detachBefore {
                let detached = try EventPartitions.detach(store.connection, before: detachBefore)
                lines.append(
                    detached.isEmpty
                        ? "No day partition of exp.events is before \(detachBefore)."
                        : "Detached \(detached.joined(separator: ", ")) (archive and drop them when you no longer need them).")
            }
            summary = try MetricAggregator(connection: store.connection).run(
                since: since.flatMap(Timestamp.init(rfc3339:)), until: until.flatMap(Timestamp.init(rfc3339:)),
                widths: widths())
            let folded = try UnitMetrics.catchUp(store.connection)
            if folded.to > folded.from {
                lines.append("Folded events \(folded.from + 1)–\(folded.to) into the per-unit gate sums (\(folded.units) units).")
            }
        } catch {
            throw ContextualError(
                error, context: "database: \(database.settings(context.environment).redactedDescription)")
        }
        context.console.line(AggregateReport(summary: summary, seconds: (clock.now - began).seconds).text)
        for line in lines { context.console.line(line) }
        return ExitStatus.success
    }
}

/// What aggregate says it did.
struct AggregateReport {
    var summary: AggregationSummary
    var seconds: Double

    var text: String {
        let widths = summary.widths.map(\.rawValue).joined(separator: ", ")
        guard let window = summary.window else {
            return "Nothing to aggregate (\(widths)): no complete day of events since the last aggregation."
        }
        func grouped(_ value: Int) -> String { NumberText.grouped(value) }
        return [
            "Aggregated \(grouped(summary.events)) events from \(window.since) to \(window.until) (\(widths)):",
            "  exp.metric_aggregates  \(grouped(summary.buckets)) buckets: \(grouped(summary.inserted)) new,"
                + " \(grouped(summary.updated)) updated, \(grouped(summary.unchanged)) unchanged,"
                + " \(grouped(summary.removed)) removed",
            "Done in one transaction in \(seconds.tenths) s.",
        ].joined(separator: "\n")
    }
}
