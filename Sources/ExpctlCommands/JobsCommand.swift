import ArgumentParser
import ExpctlModel
import ExpctlPlan
import ExpctlStore

/// `expctl jobs`: the job ledger, and what a person may do to a job.
struct JobsCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List the jobs of the ledger (exp.jobs), or show, cancel or retry one.",
        discussion: """
            Jobs are dataset builds and trainings that git asked for, each identified by the \
            digest of its inputs: the same inputs never run twice. A failed job waits for its \
            inputs to change in git, or for `expctl jobs retry ID`.
            """,
        subcommands: [JobsShowCommand.self, JobsCancelCommand.self, JobsRetryCommand.self])

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output: text, or json (one document).")
    var format: OutputFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let records = try database.openStore(context.environment).jobs.records()
        switch format {
        case .json:
            context.console.line(
                JSONValue.object([
                    "format_version": .string(ExpctlVersion.jsonFormat), "jobs": .array(records.map(\.json)),
                ]).prettyText)
        case .text:
            guard !records.isEmpty else {
                context.console.line("No jobs in the ledger.")
                return ExitStatus.success
            }
            let rows = records.map { record -> [String] in
                let job = record.job
                return [
                    String(job.id.prefix(8)), job.key.kind.rawValue, job.key.name, job.state.rawValue,
                    String(job.attempts),
                    record.createdAt, record.finishedAt ?? "-", record.outcomeSummary,
                ]
            }
            context.console.write(
                TextTable.render(
                    header: ["ID", "KIND", "NAME", "STATE", "ATTEMPTS", "CREATED", "FINISHED", "RESULT"], rows: rows))
        }
        return ExitStatus.success
    }
}

struct JobsShowCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one job: inputs, result, error.")

    @Argument(help: "The job's id, or its first 8 or more characters.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output: text, or json.")
    var format: OutputFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let record = try JobsCommand.find(id, in: try database.openStore(context.environment).jobs)
        let console = context.console
        switch format {
        case .json: console.line(record.json.prettyText)
        case .text:
            let job = record.job
            console.line("job \(job.id)")
            console.line("  kind:     \(job.key.kind.rawValue)")
            console.line("  name:     \(job.key.name)")
            console.line("  state:    \(job.state.rawValue) (attempts \(job.attempts))")
            console.line("  inputs:   \(job.key.inputsDigest)")
            console.line("  from:     \(job.provenance.path) at \(job.provenance.commit)")
            console.line("  created:  \(record.createdAt)")
            if let started = record.startedAt { console.line("  started:  \(started)") }
            if let finished = record.finishedAt { console.line("  finished: \(finished)") }
            if let owner = record.leaseOwner {
                console.line(
                    "  lease:    \(owner) until \(record.leaseExpiresAt ?? "?") (heartbeat \(record.heartbeatAt ?? "?"))"
                )
            }
            if let result = job.result { console.line("  result:   \(JSONValue.object(result).canonicalText)") }
            if let error = job.error { console.line("  error:    \(error)") }
            console.line("  inputs:")
            for line in JSONValue.object(job.inputs).prettyText.split(separator: "\n") { console.line("    \(line)") }
        }
        return ExitStatus.success
    }
}

struct JobsCancelCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a pending or running job (its runner stops at its next heartbeat).")

    @Argument(help: "The job's id, or its first 8 or more characters.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    func execute(_ context: CommandContext) throws -> Int32 {
        try JobsCommand.move(
            id, database: database, context: context, refusal: "not pending or running: nothing to cancel",
            { try $0.cancel($1.job.id, reason: "cancelled by hand (expctl jobs cancel)") }
        ) { record in
            "Cancelled job \(record.job.id) (\(record.job.key)). "
                + "A plan asks for it again while git declares it; remove it from git to stop it for good."
        }
    }
}

struct JobsRetryCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Make a failed job pending again, for the next apply or reconcile to run.")

    @Argument(help: "The job's id, or its first 8 or more characters.")
    var id: String

    @OptionGroup var database: DatabaseOptions

    func execute(_ context: CommandContext) throws -> Int32 {
        try JobsCommand.move(
            id, database: database, context: context, refusal: "not failed: only a failed job can be retried",
            { try $0.retry($1.job.id) }
        ) { record in
            "Job \(record.job.id) (\(record.job.key)) is pending again (attempts so far: \(record.job.attempts))."
        }
    }
}

extension JobsCommand {
    /// Finds job `id`, makes the move by hand, and says what happened; a move that does not
    /// apply to the job's state is an error that says why (`refusal`).
    static func move(
        _ id: String, database: DatabaseOptions, context: CommandContext, refusal: String,
        _ move: (JobLedger, JobRecord) throws -> Bool, done: (JobRecord) -> String
    ) throws -> Int32 {
        let ledger = try database.openStore(context.environment).jobs
        let record = try find(id, in: ledger)
        guard try move(ledger, record) else {
            throw UserFacingError(message: "job \(record.job.id) is \(record.job.state.rawValue), \(refusal)")
        }
        context.console.line(done(record))
        return ExitStatus.success
    }

    static func find(_ id: String, in ledger: JobLedger) throws -> JobRecord {
        guard let record = try ledger.record(matching: id) else {
            throw UserFacingError(message: "no job \(id) in the ledger; `expctl jobs` lists them")
        }
        return record
    }
}

extension JobRecord {
    var json: JSONValue {
        let job = job
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(job.id), "kind": .string(job.key.kind.rawValue), "name": .string(job.key.name),
            "inputs_digest": .string(job.key.inputsDigest), "state": .string(job.state.rawValue),
            "attempts": .integer(Int64(job.attempts)), "inputs": .object(job.inputs),
            "result": job.result.map(JSONValue.object) ?? .null, "error": text(job.error),
            "source_commit": .string(job.provenance.commit), "source_path": .string(job.provenance.path),
            "lease_owner": text(leaseOwner), "lease_expires_at": text(leaseExpiresAt),
            "heartbeat_at": text(heartbeatAt),
            "created_at": .string(createdAt), "started_at": text(startedAt), "finished_at": text(finishedAt),
        ])
    }

    /// The result or the error in a few words, for the listing.
    var outcomeSummary: String {
        if let error = job.error { return String(error.prefix(60)) }
        guard let result = job.result else { return "-" }
        if case .string(let version)? = result[TrainingResultKeys.modelVersion],
            case .string(let model)? = result[TrainingResultKeys.modelName]
        {
            return "\(model) v\(version)"
        }
        if case .integer(let rows)? = result[DatasetResultKeys.rows] { return "\(NumberText.grouped(Int(rows))) rows" }
        return "-"
    }
}

/// Plain aligned columns, as `kubectl get` prints them.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
