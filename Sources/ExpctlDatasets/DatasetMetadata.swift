public import ExpctlModel
import Foundation

/// A built dataset's `metadata.json`, read back and checked: what trainings and evaluations
/// rely on (seed 004: version, sample count, build config, content digest).
public struct DatasetMetadata: Sendable, Hashable {
    public static let formatVersion: Int64 = 1

    public var datasetVersion: String
    public var samples: Int
    public var trainSamples: Int
    public var validationSamples: Int
    /// The declaration's inputs digest; nil for a dataset built by other means.
    public var inputsDigest: String?
    /// SHA-256 (hex) of `data.jsonl`.
    public var contentDigest: String
    public var buildConfig: [String: JSONValue]

    /// Reads and checks `metadata.json` of `name` in `store`.
    public static func read(_ name: String, in store: DatasetStore) throws -> DatasetMetadata {
        let file = try store.folder(name).appendingPathComponent(DatasetStore.metadataFile)
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw DatasetBuildError.unreadableDataset(name: name, reason: "\(file.path) cannot be read")
        }
        guard case .object(let members)? = JSONValue(parsing: String(decoding: data, as: UTF8.self)) else {
            throw DatasetBuildError.unreadableDataset(name: name, reason: "metadata.json is not a JSON object")
        }
        func integer(_ key: String) throws -> Int {
            guard case .integer(let value)? = members[key], value >= 0 else {
                throw DatasetBuildError.unreadableDataset(name: name, reason: "metadata.json lacks \(key) as a count")
            }
            return Int(value)
        }
        guard case .integer(let format)? = members["format_version"], format == formatVersion else {
            throw DatasetBuildError.unreadableDataset(
                name: name, reason: "metadata.json is not of format_version \(formatVersion)")
        }
        guard case .string(let version)? = members["dataset_version"], version == name else {
            throw DatasetBuildError.unreadableDataset(name: name, reason: "metadata.json names another dataset_version")
        }
        guard case .string(let digest)? = members["content_digest"], ContentHash.isHexDigest(digest) else {
            throw DatasetBuildError.unreadableDataset(
                name: name, reason: "metadata.json lacks a SHA-256 content_digest")
        }
        var inputsDigest: String?
        if case .string(let inputs)? = members["inputs_digest"], ContentHash.isHexDigest(inputs) { inputsDigest = inputs }
        var config: [String: JSONValue] = [:]
        if case .object(let members)? = members["build_config"] { config = members }
        let metadata = DatasetMetadata(
            datasetVersion: version, samples: try integer("num_samples"), trainSamples: try integer("train_samples"),
            validationSamples: try integer("validation_samples"), inputsDigest: inputsDigest, contentDigest: digest,
            buildConfig: config)
        guard metadata.trainSamples + metadata.validationSamples == metadata.samples else {
            throw DatasetBuildError.unreadableDataset(name: name, reason: "metadata.json's sample counts do not add up")
        }
        return metadata
    }

    /// Reads the metadata and checks that `data.jsonl` still has the recorded digest.
    public static func verified(_ name: String, in store: DatasetStore) throws -> DatasetMetadata {
        let metadata = try read(name, in: store)
        let data = try store.folder(name).appendingPathComponent(DatasetFiles.rows)
        let actual = try DatasetFiles.sha256(of: data.path)
        guard actual.sha256 == metadata.contentDigest else {
            throw DatasetBuildError.unreadableDataset(
                name: name,
                reason: "data.jsonl has digest \(actual.sha256.prefix(12)), "
                    + "metadata.json records \(metadata.contentDigest.prefix(12)): it was changed after the build")
        }
        return metadata
    }
}

/// The files of a dataset folder.
public enum DatasetFiles {
    public static let parquet = "training.parquet"
    public static let rows = "data.jsonl"
    public static let recipes = "recipes.jsonl"
    public static let schema = "schema.json"
    public static let summary = "dataset_summary.md"

    /// The columns of `training.parquet` as MLflow's dataset schema types them.
    public static var mlflowColumns: [(name: String, type: String)] { DatasetDocuments.mlflowColumns }

    /// SHA-256 and size of the file at `path`, read in large pieces.
    static func sha256(of path: String) throws(DatasetBuildError) -> FileFacts {
        guard let handle = fopen(path, "rb") else {
            throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(handle) }
        var hasher = ContentHash.Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if count == 0 { break }
            total += Int64(count)
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        guard ferror(handle) == 0 else { throw .fileSystem(path: path, reason: "read error") }
        return FileFacts(sha256: hasher.finalizeHex(), bytes: total)
    }
}
