import ExpctlDatasets

/// Where teams' programs (`runner: command`) run: on this machine, or as jobs of a Ray cluster.
public enum CommandPlacement: Sendable, Hashable {
    case local
    case ray(RaySettings)

    /// The executor for one job: a fresh one, since an executor keeps per-job state.
    func executor(store: DatasetStore, code: (any CodeSource)?) -> any CommandExecutor {
        switch self {
        case .local: LocalCommandExecutor(code: code)
        case .ray(let settings): RayCommandExecutor(settings: settings, localDatasetRoot: store.root.path, code: code)
        }
    }
}
