import ArgumentParser
import ExpctlDatasets

/// `--dataset-root`: where dataset versions live (else `EXPCTL_DATASET_ROOT`, else
/// `state/datasets`, relative to the working directory).
struct DatasetOptions: ParsableArguments {
    @Option(help: "The dataset store's folder. Default: $EXPCTL_DATASET_ROOT, else state/datasets.")
    var datasetRoot: String?

    func store(_ environment: [String: String]) throws -> DatasetStore {
        try DatasetStore.resolve(option: datasetRoot, environment: environment)
    }
}
