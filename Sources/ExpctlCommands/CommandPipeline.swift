import ExpctlDatasets
import ExpctlMLflow
import ExpctlPlan
import ExpctlReconciler
import ExpctlStore

/// The reconciler a command runs, made from its options: the git source, the database, and
/// the registry (MLflow, skipped, or not configured), with the labels its errors name.
struct CommandPipeline {
    let reconciler: Reconciler
    let mlflowSettings: MLflowSettings?
    let databaseLabel: String
    let datasets: DatasetStore

    init(
        source: SourceOptions, database: DatabaseOptions, mlflow: MLflowOptions, datasets: DatasetOptions,
        parallelism: Int = 1, context: CommandContext, hook: any ReconcileHook = SilentHook()
    ) throws {
        let store = try database.openStore(context.environment)
        let (access, settings) = mlflow.access(context.environment, parallelism: parallelism)
        let datasetStore = try datasets.store(context.environment)
        reconciler = Reconciler(
            source: try source.gitSource(context.environment), store: store, registry: access, hook: hook, datasets: datasetStore)
        mlflowSettings = settings
        databaseLabel = database.settings(context.environment).redactedDescription
        self.datasets = datasetStore
    }

    var store: ExpStore { reconciler.store }

    /// Reads, validates, observes and plans; a failure names the server it came from.
    func prepare() throws -> Reconciler.Preparation {
        do {
            return try reconciler.prepare()
        } catch {
            throw contextualized(error)
        }
    }

    /// `error` with the server it concerns named (its secrets masked).
    func contextualized(_ error: PassError) -> any Error {
        switch error {
        case .source(let underlying): underlying
        case .database: ContextualError(error, context: "database: \(databaseLabel)")
        case .registry: ContextualError(error, context: "MLflow: \(mlflowSettings?.redactedURI ?? "?")")
        case .apply: error
        }
    }

    /// Creates or upgrades the schema first, as `apply` and `reconcile` do.
    func migrate() throws {
        do {
            try store.migrate()
        } catch {
            throw ContextualError(error, context: "database: \(databaseLabel)")
        }
    }
}
