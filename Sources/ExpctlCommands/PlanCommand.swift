import ArgumentParser
import ExpctlDesiredState
import ExpctlPlan
import ExpctlReconciler
import Foundation

/// `expctl plan`: what applying the desired state at a ref would change, and what would wait.
struct PlanCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes that would bring the database, the job ledger and MLflow to the desired state at a ref.",
        discussion: """
            With --ref naming a pull request's head, the plan shows what merging it would do to \
            the current state, and what would wait on jobs or gates. Exit status: 0 success (with \
            --detailed-exitcode: nothing apply would do now), 1 error, invalid desired state or a \
            plan that cannot be applied, 2 changes pending (with --detailed-exitcode). With MLflow \
            configured (--mlflow-url or MLFLOW_TRACKING_URI) model versions are checked and \
            promotions planned; without it, policy versions are blocked unless --skip-registry.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var datasets: DatasetOptions

    @Option(help: "Output format: text, markdown (for a pull-request comment) or json.")
    var format: PlanFormat = .text

    @Option(name: .customLong("out"), help: "Save the plan to this file, for `expctl apply FILE`.")
    var outputFile: String?

    @Flag(help: "Exit 2 when the plan has changes apply would make now, 0 when it has none.")
    var detailedExitcode = false

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let pipeline = try CommandPipeline(
            source: source, database: database, mlflow: mlflow, datasets: datasets, context: context)
        let prepared: Reconciler.Prepared
        switch try pipeline.prepare() {
        case .invalid(let snapshot):
            PlanCommand.printInvalid(snapshot, path: source.normalizedPath, format: format, console: console)
            return ExitStatus.failure
        case .planned(let planned):
            prepared = planned
        }
        switch format {
        case .text: console.write(PlanText.render(prepared.plan))
        case .markdown: console.write(PlanMarkdown.render(prepared.plan))
        case .json: console.write(PlanJSON.render(prepared.plan))
        }
        if let outputFile {
            do {
                try Data(prepared.file.text.utf8).write(to: URL(fileURLWithPath: outputFile))
            } catch {
                throw UserFacingError(message: "cannot write the plan to \(outputFile): \(error.localizedDescription)")
            }
            if format == .text { console.line("\nSaved the plan to \(outputFile). To apply exactly it: expctl apply \(outputFile)") }
        }
        if !prepared.plan.isApplicable { return ExitStatus.failure }
        // Waiting and blocked actions are shown, but apply would not carry them out now.
        return detailedExitcode && prepared.plan.hasReadyChanges ? ExitStatus.changesPending : ExitStatus.success
    }

    /// The diagnostics of an invalid tree, in the plan's format.
    static func printInvalid(_ snapshot: SourceSnapshot, path: String, format: PlanFormat, console: any Console) {
        let report = ValidationReport(snapshot: snapshot, path: path)
        switch format {
        case .text: console.write(report.text)
        case .markdown:
            console.write(PlanMarkdown.render(Plan(commit: snapshot.revision.commit), validationErrors: snapshot.result.diagnostics))
        case .json: console.line((try? JSONText.encode(report.json)) ?? "{}")
        }
    }
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case markdown
    case json
}
