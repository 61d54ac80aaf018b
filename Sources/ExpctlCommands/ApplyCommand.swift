import ArgumentParser
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
            recorded first, then MLflow is changed, then the database in one transaction. Actions \
            that wait on jobs or gates, or are blocked, are left for a later apply.
            """)

    @Argument(help: "A plan saved by `expctl plan --out FILE`.")
    var planFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
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
        let text = logFormat == .text
        let pipeline = try CommandPipeline(
            source: source, database: database, mlflow: mlflow, parallelism: parallelism.parallelism, context: context,
            hook: hook)
        try pipeline.migrate()
        let plan: Plan
        let report: ApplyReport
        if let planFile {
            let saved = try loadPlanFile(planFile)
            plan = saved.plan
            do {
                report = try pipeline.reconciler.apply(saved)
            } catch {
                throw ContextualError(error, context: "plan file \(planFile)")
            }
        } else {
            let prepared: Reconciler.Prepared
            switch try pipeline.prepare() {
            case .invalid(let snapshot):
                PlanCommand.printInvalid(snapshot, path: source.normalizedPath, format: .text, console: console)
                return ExitStatus.failure
            case .planned(let planned):
                prepared = planned
            }
            plan = prepared.plan
            if text { console.write(PlanText.render(plan)) }
            guard plan.isApplicable else { return ExitStatus.failure }
            guard plan.hasReadyChanges else { return ExitStatus.success }
            if !autoApprove {
                guard console.isInteractive else {
                    throw UserFacingError(message: "not applying: no terminal to confirm on; "
                        + "pass --auto-approve, or apply a saved plan file")
                }
                let answer = console.ask("\nDo you want to perform these actions? "
                    + "Only 'yes' will be accepted to approve.\n  Enter a value: ")
                guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
                    console.line("\nApply cancelled.")
                    return ExitStatus.failure
                }
            }
            if text { console.line("") }
            report = try pipeline.reconciler.apply(prepared)
        }
        guard text else { return ExitStatus.success }
        console.line(
            "\nApply complete! Resources: \(report.created) added, \(report.updated) changed, \(report.retired) retired.")
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
        return ExitStatus.success
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
