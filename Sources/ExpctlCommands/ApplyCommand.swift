import ArgumentParser
import ExpctlJobs
import ExpctlPlan
import ExpctlReconciler
import Foundation

/// `expctl apply`: carries out a saved plan exactly, or plans and applies after confirmation.
struct ApplyCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a saved plan, or plan and apply the desired state at a ref.",
        discussion: """
            With PLANFILE, applies exactly that plan and refuses it if the database, the job \
            ledger or the MLflow registry changed since it was made, or if the file was edited. \
            Without, plans and asks for confirmation on a terminal unless --auto-approve. Jobs are \
            recorded first, then MLflow is changed, then the database in one transaction. Then the \
            jobs that are ready (dataset builds, trainings) run here, in the foreground, and what \
            they unblocked is planned and applied in turn, until nothing more is ready (unless \
            --skip-jobs). Actions that wait on gates, or are blocked, are left for a later apply.
            """)

    @Argument(help: "A plan saved by `expctl plan --out FILE`.")
    var planFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var datasets: DatasetOptions
    @OptionGroup var jobs: JobOptions
    @OptionGroup var parallelism: ParallelismOption

    @Flag(help: "Apply without asking for confirmation.")
    var autoApprove = false

    @Option(help: "Progress output: text, or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let hook: any ReconcileHook = switch logFormat {
        case .text: TextHook(console: console, passLines: false)
        case .json: JSONLinesHook(console: console, clock: SystemClock())
        }
        do {
            return try run(context, hook: hook)
        } catch {
            (hook as? JSONLinesHook)?.error(ErrorReport(error))
            throw error
        }
    }

    private func run(_ context: CommandContext, hook: any ReconcileHook) throws -> Int32 {
        let console = context.console
        // A usage error in the job options is found before anything is read or written.
        _ = try jobs.ray.placement(context.environment, mlflow: mlflow.settings(context.environment))
        let pipeline = try CommandPipeline(
            source: source, database: database, mlflow: mlflow, datasets: datasets,
            parallelism: parallelism.parallelism, context: context, hook: hook)
        try pipeline.migrate()
        let execution = try JobExecution(
            database: database.settings(context.environment), datasets: pipeline.datasets,
            mlflow: mlflow.settings(context.environment), options: jobs, source: source, environment: context.environment,
            console: console, progress: ProgressReporter(console: console))
        var totals = ApplyTotals()
        if let planFile {
            let saved = try loadPlanFile(planFile)
            do {
                totals.add(try pipeline.reconciler.apply(saved), plan: saved.plan)
            } catch {
                throw ContextualError(error, context: "plan file \(planFile)")
            }
            if !jobs.skipJobs, !(try runJobs(execution, totals: &totals)).isEmpty {
                say(console, "\nA saved plan is applied as it was: run `expctl plan` to see what the jobs unblocked.")
            }
            return finish(console, totals)
        }
        var round = 0
        while true {
            let prepared: Reconciler.Prepared
            switch try pipeline.prepare() {
            case .invalid(let snapshot):
                PlanCommand.printInvalid(snapshot, path: source.normalizedPath, format: .text, console: console)
                return ExitStatus.failure
            case .planned(let planned):
                prepared = planned
            }
            let plan = prepared.plan
            totals.last = plan
            var changed = false
            if round == 0 || plan.hasWork || !plan.isApplicable {
                if logFormat == .text { console.write((round > 0 ? "\n" : "") + PlanText.render(plan)) }
                guard plan.isApplicable else { return ExitStatus.failure }
                if plan.hasWork {
                    guard try confirmed(console) else { return ExitStatus.failure }
                    if logFormat == .text { console.line("") }
                    totals.add(try pipeline.reconciler.apply(prepared), plan: plan)
                    changed = true
                }
            }
            // Jobs a plan recorded run now; their results, like the changes just applied, may make
            // more of the desired state ready: plan again until a round neither changes nor runs anything.
            if !jobs.skipJobs, !(try runJobs(execution, totals: &totals)).isEmpty { changed = true }
            guard changed, round < Self.maxRounds else { break }
            round += 1
        }
        return finish(console, totals)
    }

    /// Rounds of apply and jobs at most: each round's jobs are new (the ledger never runs the
    /// same inputs twice), so this bounds only a pathological tree.
    private static let maxRounds = 50

    private func runJobs(_ execution: JobExecution, totals: inout ApplyTotals) throws -> [JobOutcome] {
        let outcomes = try execution.runAll()
        totals.jobs += outcomes
        return outcomes
    }

    private func confirmed(_ console: any Console) throws -> Bool {
        guard !autoApprove else { return true }
        guard console.isInteractive else {
            throw UserFacingError(message: "not applying: no terminal to confirm on; "
                + "pass --auto-approve, or apply a saved plan file")
        }
        let answer = console.ask("\nDo you want to perform these actions? "
            + "Only 'yes' will be accepted to approve.\n  Enter a value: ")
        guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
            console.line("\nApply cancelled.")
            return false
        }
        return true
    }

    private func say(_ console: any Console, _ text: String) {
        if logFormat == .text { console.line(text) }
    }

    private func finish(_ console: any Console, _ totals: ApplyTotals) -> Int32 {
        guard logFormat == .text else { return totals.failedJobs > 0 ? ExitStatus.failure : ExitStatus.success }
        // Nothing to do: the plan said so already.
        guard totals.applied || !totals.jobs.isEmpty else { return ExitStatus.success }
        if totals.applied {
            console.line("\nApply complete! Resources: \(totals.created) added, \(totals.updated) changed, "
                + "\(totals.retired) retired."
                + (totals.gateDecisions == 0
                    ? "" : " Gate decisions recorded: \(totals.gateDecisions) (exp.gate_decisions)."))
        }
        if !totals.jobs.isEmpty {
            let succeeded = totals.jobs.count - totals.failedJobs
            console.line("Jobs: \(succeeded) succeeded, \(totals.failedJobs) failed or stopped.")
        }
        guard let plan = totals.last else { return ExitStatus.success }
        let waiting = plan.waitingActions.count
        if waiting > 0 {
            console.line(waiting == 1
                ? "1 action waits on a job or gate and was not applied; a later apply carries it out once ready."
                : "\(waiting) actions wait on jobs or gates and were not applied; a later apply carries them out once ready.")
        }
        let blocked = plan.blockedActions.count
        if blocked > 0 {
            console.line(blocked == 1
                ? "1 action is blocked and was not applied (see the plan for why)."
                : "\(blocked) actions are blocked and were not applied (see the plan for why).")
        }
        return totals.failedJobs > 0 ? ExitStatus.failure : ExitStatus.success
    }

    private func loadPlanFile(_ path: String) throws -> PlanFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UserFacingError(message: "cannot read the plan file \(path): \(error.localizedDescription)")
        }
        switch PlanFile.parse(text) {
        case .success(let file): return file
        case .failure(let problem): throw ContextualError(problem, context: "plan file \(path)")
        }
    }
}

/// What the rounds of one apply added up to.
private struct ApplyTotals {
    var created = 0
    var updated = 0
    var retired = 0
    var gateDecisions = 0
    var applied = false
    var jobs: [JobOutcome] = []
    /// The plan of the last round: what still waits or is blocked.
    var last: Plan?

    var failedJobs: Int { jobs.filter { if case .succeeded = $0.state { false } else { true } }.count }

    mutating func add(_ report: ApplyReport, plan: Plan) {
        created += report.created
        updated += report.updated
        retired += report.retired
        gateDecisions += report.gateDecisions
        applied = true
        last = plan
    }
}
