import ExpctlMLflow
import ExpctlTraining
import Foundation

/// A registered model version as the offline replay can run it: expctl's reference model,
/// loaded from its `model` artifact, or a team's model, whose artifacts are downloaded into a
/// folder for its `evaluation.command`.
enum ReplayableModel {
    case reference(ReferenceModel)
    case program(folder: URL)

    /// Version `version` of `model`: its run's `model/` artifacts.
    static func load(
        _ model: String, version: String, client: MLflowClient, catalog: RecipeCatalog, into folder: URL
    ) throws -> ReplayableModel {
        guard let registered = try client.modelVersion(model, version: version) else {
            throw JobFailure.failed("MLflow has no version \(version) of \(model)")
        }
        guard let runID = registered.runID, let run = try client.run(id: runID) else {
            throw JobFailure.failed("\(model)/\(version) has no run to load its model from (registered by hand?)")
        }
        let files = try listFiles(in: "model", under: run.artifactURI, client: client)
        guard !files.isEmpty else {
            throw JobFailure.failed("\(model)/\(version)'s run \(runID) has no model artifact")
        }
        if files.contains("model/model.json"), files.contains("model/tokenizer.json") {
            let parameters = try client.downloadArtifact("model/model.json", under: run.artifactURI)
            let tokenizer = try client.downloadArtifact("model/tokenizer.json", under: run.artifactURI)
            if let reference = try? ReferenceModel(model: parameters, tokenizer: tokenizer, catalog: catalog) {
                return .reference(reference)
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for path in files {
            let target = folder.appendingPathComponent(String(path.dropFirst("model/".count)))
            try FileManager.default.createDirectory(
                at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(try client.downloadArtifact(path, under: run.artifactURI)).write(to: target)
        }
        return .program(folder: folder)
    }

    /// Every file under `directory` of the run's artifacts, recursively.
    private static func listFiles(in directory: String, under root: String, client: MLflowClient) throws -> [String] {
        var files: [String] = []
        for entry in try client.listArtifacts(in: directory, under: root) {
            if entry.isDirectory {
                files += try listFiles(in: entry.path, under: root, client: client)
            } else {
                files.append(entry.path)
            }
        }
        return files.sorted()
    }
}
