public import ExpctlModel
import ExpctlPlan
public import ExpctlPostgres
import Foundation

/// How far a build is, for progress bars.
public struct DatasetBuildProgress: Sendable, Hashable {
    public var rows: Int
    /// Generated plans in the window: at least the number of rows the build will write.
    public var expectedRows: Int

    public init(rows: Int, expectedRows: Int) {
        self.rows = rows
        self.expectedRows = expectedRows
    }
}

/// What a build produced (or found already built).
public struct DatasetBuildResult: Sendable, Hashable {
    public var name: String
    public var folder: String
    public var rows: Int
    public var trainRows: Int
    public var validationRows: Int
    /// SHA-256 (hex) of `data.jsonl`.
    public var contentDigest: String
    /// True when the folder was already built from the same declaration, and verified.
    public var reused: Bool

    /// The result a dataset job records in the ledger.
    public var jobResult: [String: JSONValue] {
        [
            DatasetResultKeys.contentDigest: .string(contentDigest), DatasetResultKeys.rows: .integer(Int64(rows)),
            "path": .string(folder),
        ]
    }
}

/// Builds a declared dataset into the store (docs/datasets.md): streams the rows from
/// PostgreSQL with `COPY … TO STDOUT` in one read-only snapshot, writes them to `data.jsonl`
/// and `training.parquet` as they arrive, then the catalogue, schema, summary and metadata,
/// in a staging folder that is renamed into place when complete.
///
/// A folder already built from the same declaration is verified and kept, so a job that runs
/// again after a crash does not rewrite it; a folder built from other inputs is a conflict.
public final class DatasetBuilder {
    private let store: DatasetStore
    private let connection: PostgresConnection

    public init(store: DatasetStore, connection: PostgresConnection) {
        self.store = store
        self.connection = connection
    }

    /// The one query a build streams (`DatasetQuery`), for a benchmark to run it by `psql`.
    public static func query(_ dataset: DatasetConfig) throws -> String { try DatasetQuery.select(dataset) }

    public func build(
        _ dataset: DatasetConfig, progress: (DatasetBuildProgress) -> Void = { _ in }
    ) throws -> DatasetBuildResult {
        let folder = try store.folder(dataset.name)
        if let existing = try existingBuild(of: dataset, at: folder) { return existing }
        let staging = try store.stagingFolder()
        defer { try? FileManager.default.removeItem(at: staging) }
        let (coverage, files, recipes) = try connection.readOnlySnapshot {
            try writeRows(dataset, into: staging, progress: progress)
        }
        let contentDigest = files[DatasetFiles.rows]!.sha256
        try write(DatasetDocuments.schema(dataset).prettyText + "\n", to: staging, DatasetFiles.schema)
        try write(DatasetDocuments.summary(dataset, coverage, recipes: recipes), to: staging, DatasetFiles.summary)
        let metadata = DatasetDocuments.metadata(dataset, coverage, contentDigest: contentDigest, files: files)
        try write(metadata.prettyText + "\n", to: staging, DatasetStore.metadataFile)
        let result = DatasetBuildResult(
            name: dataset.name, folder: folder.path, rows: coverage.rows, trainRows: coverage.trainRows,
            validationRows: coverage.validationRows, contentDigest: contentDigest, reused: false)
        return try moveIntoPlace(staging, folder, dataset, built: result)
    }

    /// Streams the catalogue and the rows into `staging`.
    private func writeRows(
        _ dataset: DatasetConfig, into staging: URL, progress: (DatasetBuildProgress) -> Void
    ) throws -> (DatasetCoverage, [String: FileFacts], Int) {
        try checkDomainViews(dataset)
        let count = DatasetQuery.plansInWindow(dataset)
        let expected = Int(try connection.execute(count.sql, count.parameters).int(0, "n") ?? 0)
        let recipesFile = try RowsFile(path: staging.appendingPathComponent(DatasetFiles.recipes).path)
        var recipeLine: [UInt8] = []
        let recipes = try connection.copyOut("COPY (\(try DatasetQuery.recipes(dataset))) TO STDOUT") { line in
            var parsed = CopyTextLine(columns: 1)
            try parsed.parse(line)
            recipeLine = parsed.fields[0] + [0x0A]
            try recipesFile.write(recipeLine)
        }
        let rows = try RowsFile(path: staging.appendingPathComponent(DatasetFiles.rows).path)
        let parquet = try ParquetRowsFile(path: staging.appendingPathComponent(DatasetFiles.parquet).path)
        var line = CopyTextLine(columns: DatasetQuery.Column.allCases.count)
        var coverage = DatasetCoverage()
        typealias Column = DatasetQuery.Column
        progress(DatasetBuildProgress(rows: 0, expectedRows: expected))
        try connection.copyOut(try Self.rowsCopyStatement(for: dataset)) { bytes in
            try line.parse(bytes)
            guard let household = line.text(Column.householdID.rawValue),
                let micros = line.integer(Column.occurredAtMicros.rawValue), !line.isNull[Column.rowID.rawValue]
            else { throw DatasetBuildError.malformedCopyLine("a row without plan id, household or time") }
            let split = Split.of(
                rowID: line.fields[Column.rowID.rawValue], seed: dataset.seed, validationShare: dataset.validationShare)
            try rows.append(line, split: split)
            try parquet.append(line, split: split)
            coverage.add(
                household: household, micros: micros, workflowType: line.text(Column.workflowType.rawValue),
                mode: line.text(Column.mode.rawValue), policyVersion: line.text(Column.policyVersionID.rawValue),
                validation: split == .validation)
            if coverage.rows % 10_000 == 0 {
                progress(DatasetBuildProgress(rows: coverage.rows, expectedRows: max(expected, coverage.rows)))
            }
        }
        progress(DatasetBuildProgress(rows: coverage.rows, expectedRows: coverage.rows))
        let files = [
            DatasetFiles.rows: try rows.close(), DatasetFiles.parquet: try parquet.close(),
            DatasetFiles.recipes: try recipesFile.close(),
        ]
        return (coverage, files, recipes)
    }

    /// The COPY statement of the rows of `dataset`, as the build streams it: the floor a
    /// benchmark compares the build with.
    public static func rowsCopyStatement(for dataset: DatasetConfig) throws -> String {
        "COPY (\(try DatasetQuery.select(dataset))) TO STDOUT"
    }

    /// Each domain relation exists, or the build stops before reading anything, naming the ones
    /// missing and the contract.
    private func checkDomainViews(_ dataset: DatasetConfig) throws {
        let names = ["households", "pantry_items", "constraints", "recipes"]
        let result = try connection.execute(
            "SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(quote_ident($2) || '.' || quote_ident(name)) IS NULL",
            [.text("{\(names.joined(separator: ","))}"), .text(dataset.domainSchema)])
        let missing = result.rows.indices.compactMap { result.string($0, "name") }
        guard missing.isEmpty else {
            throw DatasetBuildError.missingDomainViews(schema: dataset.domainSchema, missing: missing)
        }
    }

    /// The verified earlier build of the same declaration, nil when there is none; throws when
    /// the folder holds something else.
    private func existingBuild(of dataset: DatasetConfig, at folder: URL) throws -> DatasetBuildResult? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else { return nil }
        guard store.contains(dataset.name) else {
            // An empty folder can take the build; anything else is someone's data.
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            if contents.isEmpty { return nil }
            throw DatasetBuildError.conflictingDataset(
                name: dataset.name,
                reason: "\(folder.path) exists but holds no \(DatasetStore.metadataFile); "
                    + "move it away or name another dataset version")
        }
        let metadata = try DatasetMetadata.verified(dataset.name, in: store)
        guard metadata.inputsDigest == dataset.inputsDigest else {
            throw DatasetBuildError.conflictingDataset(
                name: dataset.name,
                reason: "it was built from other inputs (\(metadata.inputsDigest?.prefix(12) ?? "none")"
                    + " against \(dataset.inputsDigest.prefix(12))); a dataset version is immutable: declare a new one")
        }
        return DatasetBuildResult(
            name: dataset.name, folder: folder.path, rows: metadata.samples, trainRows: metadata.trainSamples,
            validationRows: metadata.validationSamples, contentDigest: metadata.contentDigest, reused: true)
    }

    /// Renames the complete staging folder to `folder`; if another build got there first with
    /// the same rows, keeps that one.
    private func moveIntoPlace(
        _ staging: URL, _ folder: URL, _ dataset: DatasetConfig, built: DatasetBuildResult
    ) throws -> DatasetBuildResult {
        let parent = folder.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw DatasetBuildError.fileSystem(path: parent.path, reason: error.localizedDescription)
        }
        if rename(staging.path, folder.path) == 0 { return built }
        let reason = String(cString: strerror(errno))
        if let existing = try existingBuild(of: dataset, at: folder) {
            guard existing.contentDigest == built.contentDigest else {
                throw DatasetBuildError.conflictingDataset(
                    name: dataset.name,
                    reason: "another build of the same declaration wrote other rows "
                        + "(\(existing.contentDigest.prefix(12)) against \(built.contentDigest.prefix(12))): "
                        + "the events or domain tables changed between the builds")
            }
            return existing
        }
        throw DatasetBuildError.fileSystem(path: folder.path, reason: reason)
    }

    private func write(_ text: String, to folder: URL, _ name: String) throws {
        let file = try BufferedFile(path: folder.appendingPathComponent(name).path)
        try file.write(text)
        try file.close()
    }
}

extension PostgresConnection {
    /// Runs `body` in a read-only repeatable-read transaction: every read sees one snapshot.
    func readOnlySnapshot<R>(_ body: () throws -> R) throws -> R {
        try transaction {
            try execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try body()
        }
    }
}
