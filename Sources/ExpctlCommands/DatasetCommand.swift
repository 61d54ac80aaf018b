import ArgumentParser
import ExpctlDatasets
import ExpctlDesiredState
import ExpctlModel
import ExpctlPostgres
import ExpctlReconciler

/// `expctl dataset`: the datasets declared in git.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset", abstract: "Build the datasets declared under `datasets:` in git.",
        subcommands: [DatasetBuildCommand.self])
}

/// `expctl dataset build NAME`: builds a declared dataset now, by hand, into the store. A build
/// of the same declaration that is already there is verified and kept; the dataset job of a
/// later apply then finds it built.
struct DatasetBuildCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build a dataset declared in git into the dataset store.",
        discussion: """
            Reads the declaration at --ref, streams its rows from exp.events and the domain \
            views, and writes the dataset folder (training.parquet, data.jsonl, recipes.jsonl, \
            schema.json, dataset_summary.md, metadata.json). The folder appears only when complete.
            """)

    @Argument(help: "The dataset's name, its folder in the store (e.g. planner/2025-01-10).")
    var name: String

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var datasets: DatasetOptions

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let snapshot = try source.load(context.environment)
        guard snapshot.result.isValid else {
            PlanCommand.printInvalid(snapshot, path: source.normalizedPath, format: .text, console: console)
            return ExitStatus.failure
        }
        let declared = snapshot.result.state.datasets
        guard let dataset = declared.first(where: { $0.name == name }) else {
            let hint =
                Suggestions.closest(to: name, among: declared.map(\.name)).map { "; did you mean \($0)?" }
                ?? (declared.isEmpty ? "; the tree declares no datasets" : "")
            throw UserFacingError(
                message: "dataset \(name) is not declared under `datasets:` at "
                    + "\(snapshot.revision.commit.prefix(12))\(hint)")
        }
        let store = try datasets.store(context.environment)
        let expStore = try database.openStore(context.environment)
        try expStore.migrate()
        let progress = ProgressReporter(console: console)
        let result: DatasetBuildResult
        do {
            result = try DatasetBuilder(store: store, connection: expStore.connection).build(dataset) { step in
                progress.report(
                    step: "dataset build", subject: dataset.name, done: step.rows,
                    total: step.expectedRows, unit: "rows")
            }
        } catch {
            progress.finish()
            throw error
        }
        if result.reused {
            console.line("Dataset \(result.name) is already built from this declaration (verified): \(result.folder)")
        } else {
            console.line(
                "Built dataset \(result.name): \(NumberText.grouped(result.rows)) rows "
                    + "(train \(NumberText.grouped(result.trainRows)), validation \(NumberText.grouped(result.validationRows))) "
                    + "in \(result.folder)")
        }
        console.line("Content digest: \(result.contentDigest)")
        return ExitStatus.success
    }
}
