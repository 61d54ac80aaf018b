import ArgumentParser
import ExpctlDesiredState
import ExpctlMLflow
import ExpctlPlan
import ExpctlStore
import Foundation

/// `expctl plan`: what applying the desired state at a ref would change in the database.
struct PlanCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes that would bring the database to the desired state at a ref.",
        discussion: """
            With --ref naming a pull request's head, the plan shows what merging it would do to \
            the current actual state. Exit status: 0 success (with --detailed-exitcode: no \
            changes apply would make now), 1 error, invalid desired state or a plan that cannot be \
            applied, 2 changes pending (with --detailed-exitcode). With MLflow configured \
            (--mlflow-url or MLFLOW_TRACKING_URI) the plan also covers the model registry.
            """)

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions

    @Option(help: "Output format: text, markdown (for a pull-request comment) or json.")
    var format: PlanFormat = .text

    @Option(name: .customLong("out"), help: "Save the plan to this file, for `expctl apply FILE`.")
    var outputFile: String?

    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    func execute(console: any Console) throws -> Int32 {
        let store = try database.openStore()
        guard let planned = try PlannedChange.make(source: source, store: store, mlflow: mlflow, console: console, format: format) else {
            return ExitStatus.failure
        }
        switch format {
        case .text: console.write(PlanText.render(planned.plan))
        case .markdown: console.write(PlanMarkdown.render(planned.plan))
        case .json: console.write(PlanJSON.render(planned.plan))
        }
        if let outputFile {
            let file = PlanFile(
                plan: planned.plan, actualStateDigest: planned.digest, registryStateDigest: planned.registryDigest,
                registryModels: planned.registry.map { $0.models.sorted() } ?? [], ref: planned.snapshot.commit.refName)
            do {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: outputFile))
            } catch {
                throw UserFacingError(message: "cannot write the plan to \(outputFile): \(error.localizedDescription)")
            }
            if format == .text { console.line("\nSaved the plan to \(outputFile). To apply exactly it: expctl apply \(outputFile)") }
        }
        if !planned.plan.isApplicable { return ExitStatus.failure }
        // Actions waiting on a job or a gate are shown, but apply would not carry them out yet.
        return detailedExitcode && planned.plan.hasReadyChanges ? ExitStatus.changesPending : ExitStatus.success
    }
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case markdown
    case json
}

/// A plan of the desired state at a ref against the database (and the MLflow registry, when
/// configured), with what it was made from.
struct PlannedChange {
    var snapshot: DesiredStateSnapshot
    var plan: Plan
    var digest: String
    /// The MLflow registry the plan was made against; nil without MLflow.
    var registry: MLflowRegistryApplier?
    var registryDigest: String?

    /// Nil when the desired state is invalid: its diagnostics are printed in `format`.
    static func make(
        source: SourceOptions, store: ExpStore, mlflow: MLflowOptions, parallelism: Int = 1, console: any Console, format: PlanFormat
    ) throws -> PlannedChange? {
        let snapshot = try source.load()
        guard snapshot.result.isValid else {
            let report = ValidationReport(snapshot: snapshot, path: source.normalizedPath)
            switch format {
            case .text: console.write(report.text)
            case .markdown:
                console.write(PlanMarkdown.render(Plan(commit: snapshot.commit.id.hex), validationErrors: snapshot.result.diagnostics))
            case .json: console.line(try JSONText.encode(report.json))
            }
            return nil
        }
        let desired = snapshot.result.state
        let actual = try storeStep { try store.actualState() }
        let registry = mlflow.registry(for: desired, parallelism: parallelism, console: console)
        let registryState = try registry.map { registry in try registryStep(registry) { try registry.currentState() } }
        let plan = Planner.plan(desired: desired, actual: actual, registry: registryState, commit: snapshot.commit.id.hex)
        return PlannedChange(
            snapshot: snapshot, plan: plan, digest: store.digest(of: actual), registry: registry, registryDigest: registryState?.digest)
    }
}
