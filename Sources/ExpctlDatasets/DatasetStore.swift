public import Foundation

/// The dataset store: a folder (default `state/datasets`) holding one folder per dataset
/// version, e.g. `planner/2025-01-10/`. Every path it hands out is inside its root: names with
/// `..`, absolute names and symbolic links that lead out are refused.
public struct DatasetStore: Sendable {
    /// The variable that names the root when `--dataset-root` is not given.
    public static let rootVariable = "EXPCTL_DATASET_ROOT"
    public static let defaultRoot = "state/datasets"
    /// The file whose presence makes a folder a built dataset; written last.
    public static let metadataFile = "metadata.json"

    /// The root, absolute and with symbolic links resolved.
    public let root: URL

    /// The store at `path` (relative to `workingDirectory`), created if missing.
    public init(root path: String, workingDirectory: String = FileManager.default.currentDirectoryPath) throws {
        let base = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        let url = URL(fileURLWithPath: path, isDirectory: true, relativeTo: base).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw DatasetBuildError.fileSystem(path: url.path, reason: error.localizedDescription)
        }
        root = url.resolvingSymlinksInPath()
    }

    /// The root from `--dataset-root`, else `EXPCTL_DATASET_ROOT`, else `state/datasets`.
    public static func resolve(
        option: String?, environment: [String: String],
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> DatasetStore {
        let path = option ?? environment[rootVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultRoot
        return try DatasetStore(root: path, workingDirectory: workingDirectory)
    }

    /// The folder of dataset `name`, which must stay inside the root also after resolving
    /// symbolic links of the parts that exist.
    public func folder(_ name: String) throws(DatasetBuildError) -> URL {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\\"), !name.utf8.contains(0),
            !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { throw .pathEscapesStore(name: name, root: root.path) }
        let folder = root.appendingPathComponent(name, isDirectory: true)
        guard isInside(Self.resolvingExistingPart(of: folder)) else {
            throw .pathEscapesStore(name: name, root: root.path)
        }
        return folder
    }

    /// `url` with the symbolic links of its longest existing prefix resolved (`realpath`), and
    /// the rest, which does not exist yet, appended as it is.
    private static func resolvingExistingPart(of url: URL) -> URL {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while existing.path != "/", realpath(existing.path, nil) == nil {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        guard let resolved = realpath(existing.path, nil) else { return url }
        defer { free(resolved) }
        return rest.reduce(URL(fileURLWithPath: String(cString: resolved))) { $0.appendingPathComponent($1) }
    }

    /// Whether `name` is a built dataset (its metadata file exists).
    public func contains(_ name: String) -> Bool {
        guard let folder = try? folder(name) else { return false }
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.metadataFile).path)
    }

    /// The names among `names` that are built datasets.
    public func present(among names: some Sequence<String>) -> Set<String> {
        Set(names.filter(contains))
    }

    /// A new empty folder inside the root for a build in progress, renamed into place when the
    /// build is complete, so that a crash never leaves a half-written dataset under its name.
    func stagingFolder() throws(DatasetBuildError) -> URL {
        let staging = root.appendingPathComponent(".staging", isDirectory: true)
            .appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: staging.path, reason: error.localizedDescription)
        }
        return staging
    }

    private func isInside(_ url: URL) -> Bool {
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return url.standardizedFileURL.path.hasPrefix(rootPath)
    }
}
