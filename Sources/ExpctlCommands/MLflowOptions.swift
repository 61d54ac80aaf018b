import ArgumentParser
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import Foundation

/// Where the MLflow tracking server and model registry are: `--mlflow-url`, else
/// `MLFLOW_TRACKING_URI`, with MLflow's own credential variables. Without either, plans cover
/// the database only.
struct MLflowOptions: ParsableArguments {
    @Option(
        name: .customLong("mlflow-url"),
        help: """
            MLflow tracking server URL. Default: MLFLOW_TRACKING_URI. Credentials come from \
            MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.
            """)
    var mlflowURL: String?

    var settings: MLflowSettings? { MLflowSettings.resolve(url: mlflowURL, environment: ProcessInfo.processInfo.environment) }

    /// The registry applier for the models `desired` refers to; nil when MLflow is not
    /// configured (with a warning when the desired state needs it) or no model is named.
    func registry(for desired: DesiredState, parallelism: Int = 1, console: any Console) -> MLflowRegistryApplier? {
        guard let settings else {
            if desired.refersToRegistry {
                console.errorLine("""
                    expctl: warning: MLflow is not configured (set MLFLOW_TRACKING_URI or pass --mlflow-url): \
                    model versions are not checked and promotions are not planned
                    """)
            }
            return nil
        }
        // A desired state that names no model needs no registry (and its plan files none).
        guard !desired.registryModels.isEmpty else { return nil }
        return MLflowRegistryApplier(client: settings.makeClient(), models: desired.registryModels, parallelism: parallelism)
    }

    /// The registry applier for a saved plan's models; nil when MLflow is not configured.
    func registry(models: [String], parallelism: Int) -> MLflowRegistryApplier? {
        settings.map { MLflowRegistryApplier(client: $0.makeClient(), models: Set(models), parallelism: parallelism) }
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

/// Runs MLflow work, turning its failures into one-line errors that name the server.
func registryStep<Result>(_ registry: MLflowRegistryApplier, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as MLflowError {
        throw UserFacingError(message: "\(error) (MLflow: \(registry.client.settings.redactedURI))")
    }
}
