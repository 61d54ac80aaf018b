import ArgumentParser
import ExpctlMLflow
import ExpctlReconciler

/// Where the MLflow tracking server and model registry are: `--mlflow-url`, else
/// `MLFLOW_TRACKING_URI`, with MLflow's own credential variables. Without either, policy
/// versions are blocked until `--skip-registry` says to write them unchecked.
struct MLflowOptions: ParsableArguments {
    @Option(
        name: .customLong("mlflow-url"),
        help: """
            MLflow tracking server URL. Default: MLFLOW_TRACKING_URI. Credentials come from \
            MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.
            """)
    var mlflowURL: String?

    @Flag(help: """
        Do not read or change the MLflow registry: policy versions are written without checking \
        their model versions, and promotions are not planned. Without MLflow configured, policy \
        versions are blocked unless this is given.
        """)
    var skipRegistry = false

    func settings(_ environment: [String: String]) -> MLflowSettings? {
        MLflowSettings.resolve(url: mlflowURL, environment: environment)
    }

    /// How the reconciler reaches the registry, and the settings when it is MLflow.
    func access(_ environment: [String: String], parallelism: Int = 1) -> (access: RegistryAccess, settings: MLflowSettings?) {
        if skipRegistry { return (.skipped, nil) }
        guard let settings = settings(environment) else { return (.notConfigured, nil) }
        return (.mlflow(settings.makeClient(), parallelism: parallelism), settings)
    }
}

/// How many MLflow registry writes apply keeps under way at once, Terraform's `-parallelism`.
struct ParallelismOption: ParsableArguments {
    @Option(help: """
        MLflow registry writes under way at once. 1 by default: a single-worker MLflow server \
        (SQLite store) was slower with 4; raise it for a server with several workers.
        """)
    var parallelism: Int = 1

    func validate() throws {
        guard parallelism > 0 else { throw ValidationError("--parallelism must be at least 1") }
    }
}
