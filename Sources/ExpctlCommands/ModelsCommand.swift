import ArgumentParser
import ExpctlMLflow
import ExpctlModel

/// `expctl models`: the registry listing of seed 004, read from MLflow: each registered model's
/// versions with their stage, aliases, the job and training that made them, and the metadata
/// their run recorded (dataset version, base model, training samples, training config).
struct ModelsCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the registered models of MLflow, with their versions and metadata.")

    @Option(help: "Only this registered model.")
    var model: String?

    @Option(help: "Output: text, or json (one document).")
    var format: OutputFormat = .text

    @OptionGroup var mlflow: MLflowOptions

    func execute(_ context: CommandContext) throws -> Int32 {
        guard let settings = mlflow.settings(context.environment) else {
            throw UserFacingError(message: "no MLflow to read: set MLFLOW_TRACKING_URI or pass --mlflow-url")
        }
        let client = settings.makeClient()
        let names = try model.map { [$0] } ?? client.registeredModelNames()
        var models: [JSONValue] = []
        for name in names {
            guard let registered = try client.registeredModel(name) else {
                throw UserFacingError(message: "MLflow has no registered model \(name)")
            }
            let aliases = Dictionary(grouping: registered.aliases, by: \.value).mapValues { $0.map(\.key).sorted() }
            var versions: [JSONValue] = []
            for version in registered.versions.values.sorted(by: { (Int($0.version) ?? 0) < (Int($1.version) ?? 0) }) {
                let details = try client.modelVersion(name, version: version.version)
                var entry: [String: JSONValue] = [
                    "model_version": .string(version.version), "status": .string(version.status),
                    "stage": version.tags["stage"].map(JSONValue.string) ?? .null,
                    "aliases": .array((aliases[version.version] ?? []).map(JSONValue.string)),
                    "run_id": details?.runID.map(JSONValue.string) ?? .null,
                    "job": version.tags["expctl.job"].map(JSONValue.string) ?? .null,
                    "training": version.tags["expctl.training"].map(JSONValue.string) ?? .null,
                ]
                if let runID = details?.runID, let metadata = try Self.metadata(of: runID, client: client) {
                    for key in ["dataset_version", "base_model", "num_training_samples", "training_config"] {
                        entry[key] = metadata[key] ?? .null
                    }
                }
                versions.append(.object(entry))
            }
            models.append(.object(["name": .string(name), "versions": .array(versions)]))
        }
        switch format {
        case .json:
            context.console.line(
                JSONValue.object([
                    "format_version": .string(ExpctlVersion.jsonFormat), "models": .array(models),
                ]).prettyText)
        case .text:
            context.console.write(Self.text(models))
        }
        return ExitStatus.success
    }

    /// The run's `metadata.json` (seed 004), when it has one.
    static func metadata(of runID: String, client: MLflowClient) throws -> [String: JSONValue]? {
        guard let run = try client.run(id: runID) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try client.downloadArtifact("metadata.json", under: run.artifactURI)
        } catch let error where error.isNotFound {
            return nil
        }
        guard case .object(let metadata)? = JSONValue(parsing: String(decoding: bytes, as: UTF8.self)) else {
            return nil
        }
        return metadata
    }

    static func text(_ models: [JSONValue]) -> String {
        guard !models.isEmpty else { return "No registered models.\n" }
        var rows: [[String]] = []
        for case .object(let model) in models {
            guard case .string(let name)? = model["name"], case .array(let versions)? = model["versions"] else {
                continue
            }
            for case .object(let version) in versions {
                func text(_ key: String) -> String {
                    switch version[key] {
                    case .string(let value)?: value
                    case .integer(let value)?: NumberText.grouped(Int(value))
                    case .array(let items)?:
                        items.compactMap { if case .string(let item) = $0 { item } else { nil } }
                            .joined(separator: ",")
                    default: "-"
                    }
                }
                rows.append([
                    name, text("model_version"), text("status"), text("stage"), text("aliases"),
                    text("training"), text("dataset_version"), text("num_training_samples"),
                ])
            }
        }
        return TextTable.render(
            header: ["MODEL", "VERSION", "STATUS", "STAGE", "ALIASES", "TRAINING", "DATASET", "SAMPLES"], rows: rows)
    }
}
