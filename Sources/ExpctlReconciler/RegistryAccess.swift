public import ExpctlMLflow
public import ExpctlPlan

/// How a pass reaches the MLflow model registry: through a port (MLflow, or a test's own),
/// skipped on purpose (`--skip-registry`), or not at all because nothing is configured.
public enum RegistryAccess {
    /// A port for the registered models a plan names.
    case available(port: (_ models: Set<String>) -> any RegistryPort)
    case skipped
    case notConfigured

    /// MLflow through `client`, writing `parallelism` registry actions at once.
    public static func mlflow(_ client: MLflowClient, parallelism: Int = 1) -> RegistryAccess {
        .available { models in MLflowRegistryApplier(client: client, models: models, parallelism: parallelism) }
    }

    /// A port for `models`; nil when the registry is skipped or not configured, or no model
    /// is named (a tree without models needs no registry).
    func port(for models: Set<String>) -> (any RegistryPort)? {
        guard case .available(let port) = self, !models.isEmpty else { return nil }
        return port(models)
    }
}
